// emit/yaml.ts writes common documents itself; every byte must be what the `yaml` package writes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { directYaml, toYaml } from '../src/emit/yaml.js';

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
];
const text = fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 12 }), fc.stringMatching(/^[a-z0-9][a-z0-9.:/@=+-]{0,15}$/));
const leaf = fc.oneof(text, fc.boolean(), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined));
const { doc } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('map'), tie('list')),
  map: fc.dictionary(text, tie('value'), { maxKeys: 5 }),
  list: fc.array(tie('value'), { maxLength: 4 }),
  doc: fc.oneof(tie('map'), tie('list')),
}));

test('toYaml writes what yaml.stringify writes, for any JSON-like document', () => {
  fc.assert(
    fc.property(doc, (value) => {
      assert.is(toYaml(value), reference(value));
    }),
    { numRuns: 3000 },
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

test.run();
