// Hostile and broken input: YAML edge cases (table: literal input → exact problem lines), and
// the CLI refusing oversized, endless and mis-encoded input with a message, exit 2, no output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { METHOD_KEYS } from '../src/spec/schema.js';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { formatProblem, loadSpec, MAX_SPEC_BYTES } from '../src/spec/load.js';
import { examplesDir, renderText, yamlDocs, wiGen } from './support/wi-gen.js';
import { tmpDir } from './support/tools.js';

const HEAD = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
cluster:
  name: prod
  gke: {project: acme-prod}
`;
const ID = `identities:
  - name: dns
    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}
`;
const VALID = HEAD + ID;
const ALIAS_BOMB = `metadata:
  annotations:
    a: &a [x, x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
`;

const cases: { name: string; input: string | Buffer; problems: string[] }[] = [
  { name: 'alias bomb (a million strings from 60 aliases)', input: VALID + ALIAS_BOMB, problems: ['spec.yaml:1:1: cannot read spec: Excessive alias count indicates a resource exhaustion attack'] },
  { name: 'duplicate top-level key', input: VALID + 'cluster: {name: other}\n', problems: ['spec.yaml:9:1: duplicate key "cluster": keys must be unique (many YAML tools silently keep the last one)'] },
  { name: 'duplicate nested key', input: HEAD.replace('  name: prod\n', '  name: prod\n  name: dev\n') + ID, problems: ['spec.yaml:5:3: duplicate key "name": keys must be unique (many YAML tools silently keep the last one)'] },
  { name: 'two documents', input: VALID + '---\n' + VALID, problems: ["spec.yaml:9:1: a spec is one YAML document; found 2 (remove the extra '---' documents)"] },
  { name: 'a trailing --- is a second (empty) document', input: VALID + '---\n', problems: ["spec.yaml:9:1: a spec is one YAML document; found 2 (remove the extra '---' documents)"] },
  { name: 'tab indentation', input: HEAD + 'identities:\n\t- name: dns\n', problems: ['spec.yaml:7:1: Tabs are not allowed as indentation'] },
  { name: 'invalid UTF-8 bytes', input: Buffer.concat([Buffer.from(VALID), Buffer.from([0xc3, 0x28])]), problems: ['spec.yaml:1:1: spec is not valid UTF-8 text'] },
  { name: 'Latin-1 text', input: Buffer.from(VALID.replace('prod', 'pr\u00f6d'), 'latin1'), problems: ['spec.yaml:1:1: spec is not valid UTF-8 text'] },
  { name: 'UTF-16 with BOM', input: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]), problems: ['spec.yaml:1:1: spec is UTF-16 text; save it as UTF-8'] },
  { name: 'empty file', input: '', problems: ['spec.yaml:1:1: spec is empty'] },
  { name: 'whitespace only', input: '  \n\n', problems: ['spec.yaml:1:1: spec is empty'] },
  { name: 'comments only', input: '# nothing here\n', problems: ['spec.yaml:1:1: spec holds no YAML document'] },
  { name: 'a scalar document', input: 'hello\n', problems: ['spec.yaml:1:1: spec must be a YAML mapping with apiVersion, kind, cluster and identities'] },
  { name: 'a null document', input: '~\n', problems: ['spec.yaml:1:1: spec must be a YAML mapping with apiVersion, kind, cluster and identities'] },
  { name: 'nesting 2000 deep (parser stack)', input: VALID + 'metadata: ' + '['.repeat(2000) + ']'.repeat(2000) + '\n', problems: ['spec.yaml:9:75: spec nests too deeply to read; a spec nests fewer than 64 levels'] },
  { name: 'nesting 70 deep, flow', input: VALID + 'metadata: ' + '['.repeat(70) + ']'.repeat(70) + '\n', problems: ['spec.yaml:9:74: spec nests more than 64 levels deep'] },
  { name: 'nesting 80 deep, block', input: VALID + 'metadata:\n' + Array.from({ length: 80 }, (_, i) => ' '.repeat(2 * i + 2) + `k${i}:`).join('\n') + ' v\n', problems: ['spec.yaml:73:129: spec nests more than 64 levels deep'] },
  { name: '0755 where a string is expected: the hint keeps the leading zero', input: HEAD.replace('{project: acme-prod}', '{project: acme-prod, projectNumber: 0755123}') + ID, problems: ['spec.yaml:5:44: cluster.gke.projectNumber: must be a string, got number 0755123: quote it, e.g. "0755123"'] },
  { name: '1e3 where a string is expected', input: HEAD + ID.replace('dns-solver@acme-prod.iam.gserviceaccount.com', '1e3'), problems: ['spec.yaml:8:27: identities[0].gke.serviceAccount: must be a string, got number 1e3: quote it, e.g. "1e3"'] },
  { name: '0x1F where a string is expected', input: HEAD.replace('{project: acme-prod}', '{project: acme-prod, projectNumber: 0x1F}') + ID, problems: ['spec.yaml:5:44: cluster.gke.projectNumber: must be a string, got number 0x1F: quote it, e.g. "0x1F"'] },
  { name: '"yes" where a boolean is expected', input: HEAD + ID.replace('gke: {', 'gke: {create: "yes", '), problems: ['spec.yaml:8:19: identities[0].gke.create: must be a boolean, got string "yes"'] },
  { name: 'yes where a boolean is expected (YAML 1.2: a string)', input: HEAD + ID.replace('gke: {', 'gke: {create: yes, '), problems: ['spec.yaml:8:19: identities[0].gke.create: must be a boolean, got string "yes"'] },
  { name: '!!binary tag', input: VALID + 'metadata: {name: !!binary aGVsbG8=}\n', problems: ['spec.yaml:9:27: YAML tag !!binary is not allowed in a spec; write a plain value (quote it to keep it a string)'] },
  { name: 'custom tag', input: VALID + 'metadata: {name: !secret hello}\n', problems: ['spec.yaml:9:26: YAML tag !secret is not allowed in a spec; write a plain value (quote it to keep it a string)'] },
  { name: '!!set tag', input: VALID + 'metadata: !!set {a, b}\n', problems: ['spec.yaml:9:17: YAML tag !!set is not allowed in a spec; write a plain value (quote it to keep it a string)'] },
  { name: 'a collection as a key', input: VALID + 'metadata:\n  ? [a, b]\n  : c\n', problems: ['spec.yaml:10:5: a mapping key must be a plain value, not a list or mapping'] },
  {
    name: 'merge key <<',
    input: HEAD + 'identities:\n  - &id {name: dns, gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}}\n  - <<: *id\n    name: dns2\n',
    problems: ['spec.yaml:8:5: identities[1].<<: YAML merge keys (<<) are not part of YAML 1.2, which specs use; write the keys out', `spec.yaml:8:5: identities[1]: needs one identity method block: ${METHOD_KEYS.join(', ')}`],
  },
  {
    name: 'control characters in a key are escaped: one problem, one line',
    input: VALID + '"evil\\nkey\\u001b[2J": 1\n',
    problems: ['spec.yaml:9:1: evil\\nkey\\u001b[2J: unknown key "evil\\nkey\\u001b[2J" (allowed: apiVersion, kind, metadata, cluster, identities, bindings, certManager)'],
  },
  { name: 'bidi override in free text', input: HEAD + ID.replace('gke: {', 'gke: {displayName: "admin\u202e", '), problems: ["spec.yaml:8:24: identities[0].gke.displayName: a display name must be one line without quotes, backticks, '$' or backslashes"] },
  { name: '$(…) in free text', input: HEAD + ID.replace('gke: {', "gke: {displayName: 'x $(touch pwned)', "), problems: ["spec.yaml:8:24: identities[0].gke.displayName: a display name must be one line without quotes, backticks, '$' or backslashes"] },
  { name: 'backticks in free text', input: HEAD + ID.replace('gke: {', "gke: {displayName: 'x `id`', "), problems: ["spec.yaml:8:24: identities[0].gke.displayName: a display name must be one line without quotes, backticks, '$' or backslashes"] },
  { name: 'a newline in free text', input: HEAD + ID.replace('gke: {', 'gke: {displayName: "a\\nb", '), problems: ["spec.yaml:8:24: identities[0].gke.displayName: a display name must be one line without quotes, backticks, '$' or backslashes"] },
  { name: 'a double quote in free text', input: HEAD + ID.replace('gke: {', "gke: {displayName: 'a\"b', "), problems: ["spec.yaml:8:24: identities[0].gke.displayName: a display name must be one line without quotes, backticks, '$' or backslashes"] },
  { name: 'shell metacharacters in a name', input: HEAD + ID + 'bindings:\n  - identity: dns\n    serviceAccount: {namespace: "a;rm -rf /", name: api}\n', problems: ["spec.yaml:11:33: bindings[0].serviceAccount.namespace: a namespace must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit"] },
  { name: 'HCL interpolation in a role', input: HEAD + ID.replace('gke: {', 'gke: {roles: ["${file(\\"/etc/passwd\\")}"], '), problems: ['spec.yaml:8:19: identities[0].gke.roles[0]: must be an IAM role such as roles/storage.objectViewer or projects/P/roles/ID'] },
  {
    name: 'credentials in a URL',
    input: VALID + 'certManager:\n  identity: dns\n  issuers:\n    - name: le\n      acme: {server: "https://user:pass@acme.example/dir"}\n      dns01: {cloudDNS: {project: acme-prod}}\n',
    problems: ['spec.yaml:13:22: certManager.issuers[0].acme.server: must not carry credentials (user@ or user:password@) in the URL'],
  },
  ...['constructor', 'toString', '__proto__', 'hasOwnProperty'].map((server) => ({
    name: `ACME server "${server}" does not resolve through the prototype (render used to crash)`,
    input: VALID + `certManager:\n  identity: dns\n  issuers:\n    - name: le\n      acme: {server: ${server}}\n      dns01: {cloudDNS: {project: acme-prod}}\n`,
    problems: ['spec.yaml:13:22: certManager.issuers[0].acme.server: must be letsencrypt, letsencrypt-staging or an https:// ACME directory URL'],
  })),
  { name: '__proto__ key', input: VALID + '__proto__: {polluted: true}\n', problems: ['spec.yaml:9:1: __proto__: unknown key "__proto__" (allowed: apiVersion, kind, metadata, cluster, identities, bindings, certManager)'] },
];

for (const c of cases) {
  test(`yaml: ${c.name}`, () => {
    const loaded = loadSpec(typeof c.input === 'string' ? c.input : new Uint8Array(c.input), { file: 'spec.yaml' });
    assert.ok(!loaded.ok, 'accepted');
    assert.equal(loaded.problems.map(formatProblem), c.problems);
  });
}

test('yaml: no prototype pollution from __proto__ keys', () => {
  loadSpec(VALID + '__proto__: {polluted: true}\nmetadata: {annotations: {__proto__: x}}\n', { file: 'spec.yaml' });
  assert.is(({} as Record<string, unknown>).polluted, undefined);
});

test('yaml: accepted variants render the same bytes (BOM, CRLF, leading ---, trailing ..., anchors)', () => {
  const reference = renderText(VALID).files;
  const variants = ['\ufeff' + VALID, VALID.replace(/\n/g, '\r\n'), '---\n' + VALID, VALID + '...\n'];
  for (const v of variants) assert.equal(renderText(v).files, reference, JSON.stringify(v.slice(0, 5)));
  const anchored = HEAD + 'identities:\n  - name: dns\n    gke: &g {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}\n  - name: dns2\n    gke: *g\n';
  const plain = HEAD + 'identities:\n  - name: dns\n    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}\n  - name: dns2\n    gke: {serviceAccount: dns-solver@acme-prod.iam.gserviceaccount.com}\n';
  assert.equal(renderText(anchored).files, renderText(plain).files);
});

test('yaml: yes, on, off, 0755 stay strings from spec to output, quoted for YAML 1.1 readers', () => {
  const spec = HEAD.replace('name: prod', 'name: yes') + ID + 'bindings:\n  - identity: dns\n    serviceAccount: {namespace: on, name: "off"}\n    workloads: [{kind: Deployment, name: "0755"}]\n';
  const rendered = renderText(spec);
  const sa = yamlDocs(rendered.stream).find((d) => d.kind === 'ServiceAccount') as { metadata: { name: unknown; namespace: unknown } };
  assert.is(sa.metadata.namespace, 'on');
  assert.is(sa.metadata.name, 'off');
  // kubectl and Helm read YAML 1.1, where bare on/off/yes are booleans and 0755 an octal.
  const sa11 = parse(rendered.files.find((f) => f.path === 'manifests/service-accounts.yaml')?.content as string, { version: '1.1' });
  assert.equal([sa11.metadata.namespace, sa11.metadata.name], ['on', 'off']);
  const component = rendered.files.find((f) => f.path === 'kustomize/namespaces/on/kustomization.yaml');
  assert.ok(component, 'the namespace Component');
  const patches11 = parse(component?.content as string, { version: '1.1' }).patches as { target: { name: unknown; namespace: unknown }; patch: string }[];
  assert.equal(patches11.map((p) => [p.target.name, p.target.namespace]), [['0755', 'on|default']]);
  assert.equal(JSON.parse(patches11[0]?.patch as string), [{ op: 'add', path: '/spec/template/spec/serviceAccountName', value: 'off' }]);
});

// ------------------------------------------------------------------------------ through the CLI

function expectRefused(r: { code: number; stdout: string; stderr: string }, line: RegExp) {
  assert.is(r.code, 2, r.stderr);
  assert.is(r.stdout, '');
  const lines = r.stderr.trimEnd().split('\n');
  assert.is(lines.length, 1, r.stderr);
  assert.match(lines[0] as string, line);
}

test('cli: a 50 MB spec is refused by the size limit, without reading it all', () => {
  const dir = tmpDir('wi-gen-hostile-');
  const path = join(dir, 'huge.yaml');
  const fd = openSync(path, 'w');
  const chunk = Buffer.from(`# ${'x'.repeat(1021)}\n`);
  for (let i = 0; i < 50 * 1024; i++) writeSync(fd, chunk);
  closeSync(fd);
  expectRefused(wiGen([path]), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:1:1: spec is 52428800 bytes; the limit is ${MAX_SPEC_BYTES} \\(${MAX_SPEC_BYTES / (1024 * 1024)} MiB\\)$`));
});

test('cli: /dev/zero and an oversized stdin are refused after the limit, not read forever', () => {
  expectRefused(wiGen(['/dev/zero']), new RegExp(`^/dev/zero:1:1: spec is more than ${MAX_SPEC_BYTES} bytes; the limit is ${MAX_SPEC_BYTES} \\(${MAX_SPEC_BYTES / (1024 * 1024)} MiB\\)$`));
  expectRefused(wiGen(['-', '-o', join(tmpDir('wi-gen-hostile-'), 'out')], { input: '#'.repeat(MAX_SPEC_BYTES + 10) }), new RegExp(`^stdin:1:1: spec is more than ${MAX_SPEC_BYTES} bytes`));
});

test('cli: a spec exactly at the limit is read (and judged on its content)', () => {
  const dir = tmpDir('wi-gen-hostile-');
  const text = VALID + '#'.repeat(MAX_SPEC_BYTES - Buffer.byteLength(VALID) - 1) + '\n';
  writeFileSync(join(dir, 'spec.yaml'), text);
  const r = wiGen([join(dir, 'spec.yaml')]);
  assert.is(r.code, 0, r.stderr);
});

test('cli: non-UTF-8 and UTF-16 specs, a directory as spec', () => {
  const dir = tmpDir('wi-gen-hostile-');
  writeFileSync(join(dir, 'latin1.yaml'), Buffer.from(VALID.replace('prod', 'pr\u00f6d'), 'latin1'));
  expectRefused(wiGen(['latin1.yaml'], { cwd: dir }), /^latin1\.yaml:1:1: spec is not valid UTF-8 text$/);
  writeFileSync(join(dir, 'utf16.yaml'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(VALID, 'utf16le')]));
  expectRefused(wiGen(['utf16.yaml'], { cwd: dir }), /^utf16\.yaml:1:1: spec is UTF-16 text; save it as UTF-8$/);
  expectRefused(wiGen([dir]), /^wi-gen: .*: is a directory, not a spec file$/);
});

test('cli: a YAML problem never shows a library warning or stack trace', () => {
  const dir = tmpDir('wi-gen-hostile-');
  writeFileSync(join(dir, 'spec.yaml'), VALID + 'metadata:\n  ? [a, b]\n  : c\n');
  expectRefused(wiGen(['spec.yaml'], { cwd: dir }), /^spec\.yaml:10:5: a mapping key must be a plain value, not a list or mapping$/);
});

test('cli: a spec file name with a newline and $(…) cannot break out of generated comments', () => {
  const dir = tmpDir('wi-gen-hostile-');
  const name = 'evil\n$(touch pwned)\n.yaml';
  writeFileSync(join(dir, name), readFileSync(join(examplesDir, 'gke-cronjob', 'spec.yaml')));
  const r = wiGen([name, '-o', 'out'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const script = readFileSync(join(dir, 'out', 'cloud', 'gcloud.sh'), 'utf8');
  assert.match(script, /^# generated by wi-gen from evil\?\$\(touch pwned\)\?\.yaml — do not edit/m);
  assert.is(script.split('\n').filter((l) => l.includes('touch pwned')).length, 1, 'one commented line');
});

test.run();
