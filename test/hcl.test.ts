// The HCL writer: literal HCL out for each construct, in terraform fmt form.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attr, blank, block, comment, expr, hclString, renderHcl } from '../src/emit/hcl.js';
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
});

if (hasTool('terraform')) {
  test('hcl: every case is terraform fmt clean', () => {
    const dir = tmpDir('wi-gen-hcl-');
    cases.forEach((c, i) => writeFileSync(join(dir, `case${i}.tf`), renderHcl(c.input)));
    const r = run('terraform', ['fmt', '-check', '-diff', dir]);
    assert.is(r.code, 0, r.stdout + r.stderr);
  });
}

test.run();
