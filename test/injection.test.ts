// Injection: a spec value that reaches a shell script or HCL is one literal argument or string,
// whatever it holds. Proven end to end: render, `bash -n`, then run every generated script with
// stub cloud CLIs (gcloud, az, vault, aws) that log their argv, and compare argv exactly; HCL
// strings are read back by terraform itself.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSpec } from '../src/spec/load.js';
import { render } from '../src/render.js';
import { hclString } from '../src/format/hcl.js';
import { shellQuote, command, unless } from '../src/format/shell.js';
import type { Model } from '../src/model/model.js';
import { examplesDir, exampleNames, readTree, wiGen } from './support/wi-gen.js';
import { hasTool, run, tmpDir } from './support/tools.js';

const STUBS = ['gcloud', 'az', 'vault', 'aws', 'kubectl', 'jq'];

/** A PATH directory whose cloud CLIs append their argv as a JSON line to $WI_GEN_ARGV_LOG. Probes (describe/show/read) fail, so create branches run too. */
function stubDir(): string {
  const dir = tmpDir('wi-gen-stubs-');
  for (const name of STUBS) {
    const path = join(dir, name);
    writeFileSync(
      path,
      `#!${process.execPath}\nconst argv = [${JSON.stringify(name)}, ...process.argv.slice(2)];\nrequire('fs').appendFileSync(process.env.WI_GEN_ARGV_LOG, JSON.stringify(argv) + '\\n');\nprocess.exit(argv.some((a) => /^(describe|show|read|get|list)$/.test(a)) ? 1 : 0);\n`,
    );
    chmodSync(path, 0o755);
  }
  return dir;
}

interface ScriptRun {
  readonly code: number;
  readonly stderr: string;
  readonly argv: string[][];
  /** Files the script created in its working directory (a marker of executed payloads). */
  readonly created: string[];
}

function runScript(script: string, stubs: string): ScriptRun {
  const cwd = tmpDir('wi-gen-run-');
  const log = join(cwd, '..', `${cwd.split('/').pop()}.argv`);
  writeFileSync(log, '');
  // WI_GEN_TEARDOWN: teardown.sh asks for confirmation; the stubs delete nothing.
  const r = run('bash', [script], { cwd, env: { PATH: `${stubs}:/usr/bin:/bin`, WI_GEN_ARGV_LOG: log, AZURE_CLIENT_SECRET: 'stub-value-for-vault-sh', WI_GEN_TEARDOWN: 'yes' } });
  const argv = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]);
  return { code: r.code, stderr: r.stderr, argv, created: readdirSync(cwd) };
}

const PAYLOADS = [
  '$(touch pwned-dollar)',
  '`touch pwned-backtick`',
  "'; touch pwned-single; '",
  '"; touch pwned-double; "',
  'a\ntouch pwned-newline\n',
  '\\',
  '${PWD}',
  '%{ if true }x%{ endif }',
  '$((6*7))',
  '!! * ? ~ [a] {b,c} | & ; < > ( ) #',
  '--help',
  "it's",
];

/** The cronjob example with hostile strings forced into the model after validation, as a buggy method or a future field might let through. */
function hostileModel(payload: string): Model {
  const loaded = loadSpec(readFileSync(join(examplesDir, 'gke-cronjob', 'spec.yaml')), { file: 'spec.yaml' });
  if (!loaded.ok) throw new Error('example invalid');
  const model = loaded.model as unknown as { identities: { config: Record<string, unknown> }[]; bindings: { namespace: string; name: string }[] };
  (model.identities[0] as { config: Record<string, unknown> }).config.displayName = `dn ${payload}`;
  (model.bindings[0] as { namespace: string }).namespace = `ns ${payload}`;
  (model.bindings[0] as { name: string }).name = `sa ${payload}`;
  return loaded.model;
}

const stubs = stubDir();

for (const [i, payload] of PAYLOADS.entries()) {
  test(`shell end to end: payload ${JSON.stringify(payload)} stays one argument, runs nothing`, () => {
    const rendered = render(hostileModel(payload));
    const dir = tmpDir('wi-gen-inj-');
    const script = rendered.files.find((f) => f.path === 'cloud/gcloud.sh');
    assert.ok(script, 'gcloud.sh rendered');
    const path = join(dir, 'gcloud.sh');
    writeFileSync(path, script?.content as string);
    const syntax = run('bash', ['-n', path]);
    assert.is(syntax.code, 0, syntax.stderr);
    const r = runScript(path, stubs);
    assert.is(r.code, 0, r.stderr);
    assert.equal(r.created, [], `payload ${i} executed`);
    assert.equal(r.argv, [
      ['gcloud', 'iam', 'service-accounts', 'describe', 'nightly-reporter@acme-analytics.iam.gserviceaccount.com', '--project', 'acme-analytics'],
      ['gcloud', 'iam', 'service-accounts', 'create', 'nightly-reporter', '--project', 'acme-analytics', '--display-name', `dn ${payload}`],
      [
        'gcloud', 'iam', 'service-accounts', 'add-iam-policy-binding', 'nightly-reporter@acme-analytics.iam.gserviceaccount.com', '--project', 'acme-analytics',
        '--role', 'roles/iam.workloadIdentityUser', '--member', `serviceAccount:acme-analytics.svc.id.goog[ns ${payload}/sa ${payload}]`,
        '--condition', 'None',
      ],
      ['gcloud', 'projects', 'add-iam-policy-binding', 'acme-analytics', '--role', 'roles/bigquery.dataViewer', '--member', 'serviceAccount:nightly-reporter@acme-analytics.iam.gserviceaccount.com', '--condition', 'None'],
      ['gcloud', 'projects', 'add-iam-policy-binding', 'acme-analytics', '--role', 'roles/bigquery.jobUser', '--member', 'serviceAccount:nightly-reporter@acme-analytics.iam.gserviceaccount.com', '--condition', 'None'],
    ]);
  });
}

test('shell: command() and unless() keep every argument intact, whatever the layout', () => {
  const args = PAYLOADS.flatMap((p) => ['--flag', p]);
  const dir = tmpDir('wi-gen-inj-');
  const path = join(dir, 's.sh');
  writeFileSync(path, `set -euo pipefail\n${unless(command('gcloud', 'describe', ...args), command('gcloud', 'create', ...args))}\n`);
  const r = runScript(path, stubs);
  assert.is(r.code, 0, r.stderr);
  assert.equal(r.argv, [['gcloud', 'describe', ...args], ['gcloud', 'create', ...args]]);
  assert.equal(r.created, []);
  for (const p of PAYLOADS) assert.not.match(shellQuote(p), /\n/, 'no quoted word spans lines');
});

for (const name of exampleNames()) {
  test(`${name}: every generated script runs against stub CLIs, argv matching the script's own words`, () => {
    const out = join(tmpDir('wi-gen-inj-'), 'out');
    assert.is(wiGen([join(examplesDir, name, 'spec.yaml'), '-o', out]).code, 0);
    for (const [path] of readTree(out)) {
      if (!path.endsWith('.sh')) continue;
      const r = runScript(join(out, path), stubs);
      // Scripts that check what the cloud assigned (az.sh compares client IDs) stop when a lookup
      // answers nothing, as these stubs do, and vault.sh stops when a read fails without Vault's
      // 404 wording; their own tests drive those paths with answering stubs.
      const last = r.argv[r.argv.length - 1] ?? [];
      const stoppedAfterLookup = r.code !== 0 && (last.includes('--query') || (last[0] === 'vault' && last[1] === 'read'));
      assert.ok(r.code === 0 || stoppedAfterLookup, `${path}: exit ${r.code}: ${r.stderr}`);
      assert.ok(r.argv.length > 0, `${path} ran no cloud command`);
      assert.equal(r.created, []);
      for (const argv of r.argv) assert.ok(STUBS.includes(argv[0] as string));
    }
  });
}

// ---------------------------------------------------------------------------------------- HCL

if (hasTool('terraform')) {
  test('hcl: terraform reads every payload back exactly, with no interpolation or directive', () => {
    const values = [...PAYLOADS, 'tab\there', 'esc\u001b[2J', 'del\u007f', 'nul-free \u2028 line sep', '$${already}', '%%{already}', '"${"', 'trailing $', 'trailing %'];
    const dir = tmpDir('wi-gen-hcl-');
    writeFileSync(join(dir, 'main.tf'), `locals {\n${values.map((v, i) => `  v${i} = ${hclString(v)}`).join('\n')}\n}\n`);
    const r = run('terraform', ['console'], { cwd: dir, input: `jsonencode([${values.map((_, i) => `local.v${i}`).join(', ')}])\n`, env: { TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1' } });
    assert.is(r.code, 0, r.stderr);
    // The console shows the JSON text as a Go-quoted string: \" \\ and \xHH for raw control bytes.
    const shown = r.stdout.trim();
    assert.ok(shown.startsWith('"') && shown.endsWith('"'), shown);
    const json = shown.slice(1, -1).replace(/\\(["\\])|\\x([0-9a-f]{2})/g, (_, ch: string | undefined, hex: string | undefined) => ch ?? String.fromCharCode(Number.parseInt(hex as string, 16)));
    assert.equal(JSON.parse(json), values);
  });

  test('hcl end to end: hostile model values leave generated Terraform parseable and terraform fmt clean', () => {
    for (const payload of PAYLOADS) {
      const rendered = render(hostileModel(payload));
      const dir = tmpDir('wi-gen-hcl-');
      for (const f of rendered.files.filter((x) => x.path.startsWith('cloud/terraform/'))) {
        mkdirSync(join(dir, 'tf'), { recursive: true });
        writeFileSync(join(dir, 'tf', f.path.split('/').pop() as string), f.content);
      }
      assert.ok(existsSync(join(dir, 'tf')));
      const r = run('terraform', ['fmt', '-check', '-diff', join(dir, 'tf')]);
      assert.is(r.code, 0, `${JSON.stringify(payload)}: ${r.stdout}${r.stderr}`);
    }
  });
}

test.run();
