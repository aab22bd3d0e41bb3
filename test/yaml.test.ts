// src/format/yaml.ts writes common documents itself; every byte must be what the `yaml` package writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Document, parse, stringify } from 'yaml';
import { directYaml, OTHER_NON_STRINGS, readAsNonString, toYaml, toYamlStream, yamlStreamParts } from '../src/format/yaml.js';
import { NON_STRING_PLAIN_SCALARS } from '../src/format/yaml-resolvers.js';

const OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false } as const;
const reference = (value: unknown) => stringify(value, OPTIONS);

// Strings YAML 1.1 reads as something else, or that need quotes, next to ordinary ones.
const TRICKY = [
  'y', 'Y', 'n', 'N', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'null', '~', '', ' ', '0', '010', '0755', '0x1F', '0b101',
  '1_000', '1:20', '1:20.5', '-1', '+1', '1e3', '1.5', '.5', '.inf', '-.Inf', '.NaN', '2001-12-14', '2001-12-14t21:59:43.10-05:00',
  '<<', '=', '-', '?', ':', 'a:', 'a: b', 'a:b', 'a #b', 'a#b', '#x', '- x', '--flag=1', '---', '...', '@x', '`x', '%x', '!x', '&a',
  '*a', '|', '>', "'q'", '"q"', 'a b', ' a', 'a ', 'a\nb', 'a\n', '\tx', 'x\u0007', 'ü', 'v1', 'apps/v1', 'iam.gke.io/gcp-service-account',
  'app.kubernetes.io/managed-by', 'sa@p.iam.gserviceaccount.com', 'https://acme-v02.api.letsencrypt.org/directory', 'roles/dns.admin',
  'serviceAccount:p.svc.id.goog[ns/sa]', 'x'.repeat(1100), 'web', 'Deployment', 'n1', 's12',
  // Inline JSON patches (single-quoted as they are) and their near misses.
  '[{"op":"add","path":"/spec/template/spec/serviceAccountName","value":"s0"}]', '{"a":"b"}', '["it\'s"]', '[{"a":"b\nc"}]', '["\tx"]',
  '[ "x" ]', '["x"] #', '{"a": "b"}', '["ü"]', '["\u0085"]', '[]', '{}', '["x"', '"x"]',
  // Resource IDs and target alternations (plain), and their near misses.
  '/subscriptions/4f9c/resourceGroups/rg', '/', '//', '/a:b', '/a:', 'billing|default', 'a|', '|a', 'a||b', '/1', '/.inf', 'n0|default|x',
];
const text = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-z0-9][a-z0-9.:/@=+-]{0,15}$/));
const text_ = text;
const leaf = fc.oneof(text, fc.boolean(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined));
const { doc } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('list')),
  map: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
  doc: fc.oneof(tie('map'), tie('list')),
}));

/** Every string of a value, keys included. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      strings(v, out);
    }
  }
  return out;
}

/** Strings `yaml` (YAML 1.1) writes plain but a YAML 1.2 reader takes for a number or such: quoted by toYaml on purpose. */
const quotedOnPurpose = (s: string) => readAsNonString(s) && !/^["']/.test(stringify(s, OPTIONS));

/** The resolvers of the `yaml` package wi-gen's writer must agree with: YAML 1.1 (with compat tags), then 1.2 core. */
function libraryResolvers(): RegExp[] {
  type Tag = { default?: unknown; tag: string; test?: RegExp };
  const v11 = new Document(null, OPTIONS).schema as unknown as { tags: Tag[]; compat?: Tag[] | null };
  const core = new Document(null, { version: '1.2' }).schema as unknown as { tags: Tag[] };
  return [...v11.tags, ...(v11.compat ?? []), ...core.tags].filter((t) => t.default && t.tag !== 'tag:yaml.org,2002:str' && t.test).map((t) => t.test as RegExp);
}

test('the kept resolver list is the yaml package\'s own, in order (an upgrade that changes one fails here)', () => {
  assert.equal(NON_STRING_PLAIN_SCALARS.map(String), libraryResolvers().map(String));
  // The check can fail: a list missing YAML 1.1's `on`/`off` resolver is told apart.
  const planted = NON_STRING_PLAIN_SCALARS.filter((re) => !re.test('off'));
  assert.not.equal(planted.map(String), libraryResolvers().map(String));
});

// readAsNonString tests one expression made of both lists; it must answer as the lists themselves.
const NON_STRING_FORMS = [...NON_STRING_PLAIN_SCALARS, ...OTHER_NON_STRINGS];
const byTheLists = (forms: readonly RegExp[]) => (s: string) => s === '' || forms.some((re) => re.test(s));

test('readAsNonString answers as the resolver lists it is made of, string for string', () => {
  // Joined as alternatives, an expression keeps its meaning only without flags and back-references.
  for (const re of NON_STRING_FORMS) {
    assert.is(re.flags, '', String(re));
    assert.not.match(re.source, /\\[1-9k]/, String(re));
  }
  const listed = byTheLists(NON_STRING_FORMS);
  const samples = [...TRICKY, 'e5', 'E10', 'e', 'E+1', 'e-0', 'ex5', '0o17', '0O7', '+0x1', '-0b1', '=x', '<<<', 'Null', 'NULL', 'nULL', 'YES', 'yEs', 'On', 'oN', 'Off', '~x', 'e+', 'e-', 'E5x', '5e', '/e5', '$x', '_1', '.', '-', '+', '<', '=', '~', ' 1', '\u00e95'];
  for (const s of samples) assert.is(readAsNonString(s), listed(s), JSON.stringify(s));
  fc.assert(fc.property(fc.oneof(text, fc.stringMatching(/^[-+.~=<0-9a-zA-Z_:/ ]{0,8}$/), fc.stringMatching(/^[eEyYnNoOtTfF][-+0-9a-zA-Z]{0,5}$/)), (s) => readAsNonString(s) === listed(s)), { numRuns: 20000 });
  // Planted: lists missing one form answer differently, so the comparison can fail.
  for (const dropped of [8, 13, NON_STRING_PLAIN_SCALARS.length]) {
    const fewer = byTheLists(NON_STRING_FORMS.filter((_, i) => i !== dropped));
    assert.ok(samples.some((s) => fewer(s) !== listed(s)), `dropping ${String(NON_STRING_FORMS[dropped])}`);
  }
});

test('toYaml writes what yaml.stringify writes, for any JSON-like document (but YAML 1.2 numbers quoted)', () => {
  fc.assert(
    fc.property(doc, (value) => {
      if (strings(value).some(quotedOnPurpose)) return;
      assert.is(toYaml(value), reference(value));
    }),
    { numRuns: 3000 },
  );
});

test('strings any YAML 1.1 or 1.2 reader takes for a number, boolean or null come back as strings under both (0o17 did not)', () => {
  const ambiguous = ['0o17', '0O17', '0x1F', '1e3', '.inf', '-.Inf', '.NaN', 'yes', 'no', 'on', 'off', 'y', 'N', '~', 'null', 'NULL', 'true', 'False', '0755', '0b101', '1_000', '1:20', '2001-12-14', '=', '<<', '+1', '-1', '.5', '1.', ''];
  // `yaml` takes a key `<<` for a merge even quoted, under 1.1: no key of wi-gen's is `<<`.
  const value = { list: ambiguous, map: Object.fromEntries(ambiguous.filter((s) => s !== '' && s !== '<<').map((s, i) => [s, `v${i}`])), nested: [{ a: 'two\nlines', b: '0o17' }] };
  const text = toYaml(value);
  assert.equal(parse(text, { version: '1.2' }), value);
  assert.equal(parse(text, { version: '1.1' }), value);
  assert.match(text, '- "0o17"');
  assert.match(text, 'b: "0o17"', 'also where the whole document goes through yaml (a block scalar beside it)');
  fc.assert(
    fc.property(fc.dictionary(text_, text_, { maxKeys: 5 }), (v) => {
      const out = toYaml(v);
      const plain = Object.fromEntries(Object.entries(v)); // fast-check's dictionaries have no prototype
      if ('<<' in plain) return;
      assert.equal(parse(out, { version: '1.2' }) ?? {}, plain);
      assert.equal(parse(out, { version: '1.1' }) ?? {}, plain);
    }),
    { numRuns: 1000 },
  );
});

test('the direct writer takes the objects wi-gen writes most (and gets them right)', () => {
  const serviceAccount = {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      annotations: { 'iam.gke.io/gcp-service-account': 'web@shop-prod-1234.iam.gserviceaccount.com' },
      labels: { 'app.kubernetes.io/managed-by': 'wi-gen' },
      name: 'web',
      namespace: 'shop',
    },
    automountServiceAccountToken: false,
  };
  const patch = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { template: { spec: { serviceAccountName: 'web' } } } };
  const component = { apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component', patches: [{ path: 'deployment-web.yaml' }], list: [[1, 2], [], {}] };
  for (const value of [serviceAccount, patch, component]) assert.is(directYaml(value), reference(value));
  assert.is(directYaml({ a: 'yes', b: [1.5, null] }), 'a: "yes"\nb:\n  - 1.5\n  - null\n', "quoted scalars take yaml's text");
  assert.is(directYaml({ yes: 1 }), undefined, 'a key that needs quotes is left to yaml');
  assert.is(directYaml({ a: 'two\nlines' }), undefined, 'so is a block scalar');
});

test('a stream made a document at a time: the documents joined by ---, a part a document, and toYamlStream is its text', () => {
  const docs = [{ a: 1 }, { kind: 'ServiceAccount', metadata: { name: 'x', annotations: { 'k/v': 'yes' } } }, ['l', 'm'], 'text'];
  for (let n = 0; n <= docs.length; n++) {
    const parts = [...yamlStreamParts(docs.slice(0, n))];
    assert.is(parts.length, n);
    assert.is(parts.join(''), docs.slice(0, n).map((d) => toYaml(d)).join('---\n'));
    assert.is(toYamlStream(docs.slice(0, n)), parts.join(''));
  }
});

test.run();
