// The HCL writer: literal HCL out for each construct, in terraform fmt form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, blank, block, call, comment, expr, hclString, renderHcl, renderHclParts } from '../src/format/hcl.js';
import { hasTool, run, tmpDir } from './support/tools.js';

const cases: { name: string; input: Parameters<typeof renderHcl>[0]; expected: string }[] = [
  {
    name: 'aligns = over a run of single-line attributes',
    input: [block('resource', ['google_service_account', 'x'], [attr('project', 'p'), attr('account_id', 'x'), attr('display_name', 'X')])],
    expected: `resource "google_service_account" "x" {
  project      = "p"
  account_id   = "x"
  display_name = "X"
}
`,
  },
  {
    name: 'a blank line starts a new alignment group; lists stay inline',
    input: [block('resource', ['r', 'n'], [attr('a', 1), attr('long_name', true), blank, attr('depends_on', [expr('x.y'), expr('z.w')])])],
    expected: `resource "r" "n" {
  a         = 1
  long_name = true

  depends_on = [x.y, z.w]
}
`,
  },
  {
    name: 'an object value stands alone and aligns its own keys',
    input: [block('terraform', [], [attr('required_version', '>= 1.3'), block('required_providers', [], [attr('google', { source: 'hashicorp/google', version: '>= 5' })])])],
    expected: `terraform {
  required_version = ">= 1.3"
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5"
    }
  }
}
`,
  },
  {
    name: 'comments and blocks are separated by one blank line',
    input: [comment('generated'), block('a', [], [attr('x', 'y')])],
    expected: `# generated

a {
  x = "y"
}
`,
  },
  {
    name: 'jsonencode of a policy: the call opens on the attribute line, nested runs align on their own',
    input: [
      block('resource', ['aws_iam_role', 'dns'], [
        attr('name', 'dns'),
        attr('path', '/'),
        attr(
          'assume_role_policy',
          call('jsonencode', {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Federated: expr('data.aws_iam_openid_connect_provider.dns.arn') },
                Action: 'sts:AssumeRoleWithWebIdentity',
                Condition: {
                  StringEquals: {
                    'oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:cert-manager:cert-manager',
                    'oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud': 'sts.amazonaws.com',
                  },
                },
              },
            ],
          }),
        ),
        attr('max_session_duration', 3600),
        attr('description', 'x'),
      ]),
    ],
    expected: `resource "aws_iam_role" "dns" {
  name = "dns"
  path = "/"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect = "Allow"
        Principal = {
          Federated = data.aws_iam_openid_connect_provider.dns.arn
        }
        Action = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub" = "system:serviceaccount:cert-manager:cert-manager"
            "oidc.eks.eu-west-1.amazonaws.com/id/ABC:aud" = "sts.amazonaws.com"
          }
        }
      },
    ]
  })
  max_session_duration = 3600
  description          = "x"
}
`,
  },
  {
    name: 'calls: inline when every argument is, leading arguments stay on the opening line, a list of calls',
    input: [
      block('locals', [], [
        attr('a', call('jsonencode', {})),
        attr('long', call('tolist', ['x', 'y'])),
        attr('merged', call('merge', expr('local.base'), { k: 1, longer: 'v' })),
        attr('listed', [call('merge', expr('local.base'), { k: 1 }), 'plain']),
        attr('empty', {}),
      ]),
    ],
    expected: `locals {
  a    = jsonencode({})
  long = tolist(["x", "y"])
  merged = merge(local.base, {
    k      = 1
    longer = "v"
  })
  listed = [
    merge(local.base, {
      k = 1
    }),
    "plain",
  ]
  empty = {}
}
`,
  },
];

for (const c of cases) {
  test(`hcl: ${c.name}`, () => {
    assert.fixture(renderHcl(c.input), c.expected);
  });
}

test('hcl: strings cannot break out or interpolate', () => {
  assert.is(hclString('a"b'), '"a\\"b"');
  assert.is(hclString('${file("/etc/passwd")}'), '"$${file(\\"/etc/passwd\\")}"');
  assert.is(hclString('%{if true}x%{endif}'), '"%%{if true}x%%{endif}"');
  assert.is(hclString('line\nbreak\\'), '"line\\nbreak\\\\"');
  // Each escape alone, as the quick path for strings with nothing to escape must notice it.
  assert.is(hclString('tab\there'), '"tab\\there"');
  assert.is(hclString('bell\x07'), '"bell\\u0007"');
  assert.is(hclString('sep\u2028'), '"sep\\u2028"');
  assert.is(hclString('a${'), '"a$${"');
  assert.is(hclString('b%{'), '"b%%{"');
  // Nothing to escape: `$` and `%` without a brace, and text beyond ASCII, stay as they are.
  assert.is(hclString('a$b%c — é'), '"a$b%c — é"');
});

test('hcl: a call whose multi-line argument is not the last is refused', () => {
  assert.throws(() => renderHcl([block('locals', [], [attr('x', call('merge', { a: [{ b: 1 }] }, expr('local.y')))])]), /only the last argument/);
});

if (hasTool('terraform')) {
  test('hcl: every case is terraform fmt clean', () => {
    const dir = tmpDir('wi-gen-hcl-');
    cases.forEach((c, i) => writeFileSync(join(dir, `case${i}.tf`), renderHcl(c.input)));
    const r = run('terraform', ['fmt', '-check', '-diff', dir]);
    assert.is(r.code, 0, r.stdout + r.stderr);
  });
}

test('a file made a top-level item at a time: one part an item and the final newline, joined as renderHcl writes it', () => {
  const items = [comment('generated'), block('resource', ['a', 'b'], [attr('x', 1)]), block('locals', [], []), block('output', ['o'], [attr('value', expr('a.b.x'))])];
  const parts = [...renderHclParts(items)];
  assert.equal(parts, ['# generated', '\n\nresource "a" "b" {\n  x = 1\n}', '\n\nlocals {}', '\n\noutput "o" {\n  value = a.b.x\n}', '\n']);
  assert.is(renderHcl(items), parts.join(''));
});

test.run();
