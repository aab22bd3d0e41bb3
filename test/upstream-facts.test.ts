// test/upstream/ (the trimmed upstream facts every schema test reads) is what scripts/upstream-facts.mjs makes
// from ../shared/upstream, and holds facts only: no upstream prose.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import {
  buildUpstreamFacts,
  defaultUpstreamDir,
  readCommittedFacts,
  REGENERATE,
  staleFacts,
  trimSchema,
} from '../scripts/upstream-facts.mjs';

const upstream = defaultUpstreamDir();
const committed = readCommittedFacts();

test('test/upstream/ holds the CRD, chart and Terraform provider facts, each with its provenance', () => {
  for (const p of [
    'cert-manager-v1.21.1/cert-manager.io_clusterissuers.json',
    'cert-manager-v1.21.1/values.schema.json',
    'vault-secrets-operator-v1.4.1/secrets.hashicorp.com_vaultauths.json',
    'azure-service-operator/managedidentity.azure.com_federatedidentitycredentials.json',
    'config-connector/apiextensions.k8s.io_v1_customresourcedefinition_iampolicymembers.iam.cnrm.cloud.google.com.json',
    'aad-pod-identity/aadpodidentity.k8s.io.json',
    'terraform-providers/google.json',
    'terraform-providers/aws-5.100.0.json',
  ]) {
    assert.ok(committed.has(p), `${p} missing: run ${REGENERATE}`);
  }
  for (const [p, text] of committed) {
    const comment = (JSON.parse(text) as { $comment?: unknown }).$comment;
    assert.type(comment, 'string', `${p}: no $comment provenance`);
    assert.match(comment as string, /^Facts from \S+.* \(?sha256 [0-9a-f]{64}/, p);
    assert.match(comment as string, /Made by node scripts\/upstream-facts\.mjs from \.\.\/shared\/upstream\//, p);
  }
});

test('no upstream prose: no description, title, default or example keyword survives', () => {
  const prose = new Set(['description', 'title', 'default', 'example', 'examples', 'x-kubernetes-validations', 'evidence']);
  for (const [p, text] of committed) {
    const walk = (node: unknown, at: string, inNameMap: boolean): void => {
      if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${at}/${i}`, false));
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          // Keys of `properties` / `$defs` / Terraform `arguments` maps are field names (a field may be called
          // "description"); everywhere else a key is a keyword.
          if (!inNameMap) assert.not.ok(prose.has(k), `${p}: ${at}/${k}`);
          walk(v, `${at}/${k}`, !inNameMap && ['properties', '$defs', 'arguments', 'resources', 'data_sources'].includes(k));
        }
      } else if (typeof node === 'string' && !/\/(\$comment|pattern|\$ref)$/.test(at)) {
        assert.ok(node.length <= 200, `${p}: ${at}: a long string is likely prose`);
      }
    };
    walk(JSON.parse(text), '', false);
  }
});

test('trimSchema keeps validation keywords, drops prose, and refuses a keyword it does not know', () => {
  const trimmed = trimSchema({
    type: 'object',
    description: 'prose',
    required: ['a'],
    properties: { description: { type: 'string', description: 'a field called description', default: 'x' } },
    oneOf: [{ required: ['a'], description: 'prose' }],
    'x-kubernetes-validations': [{ rule: 'self.a != ""', message: 'prose' }],
  });
  assert.equal(trimmed, { type: 'object', required: ['a'], properties: { description: { type: 'string' } }, oneOf: [{ required: ['a'] }] });
  assert.throws(() => trimSchema({ type: 'string', 'x-new-keyword': 1 }), /x-new-keyword.*neither kept nor known/);
});

test('staleFacts names missing, changed and extra files', () => {
  const want = new Map([['a.json', '1'], ['b.json', '2']]);
  const have = new Map([['b.json', '3'], ['c.json', '4']]);
  assert.equal(staleFacts(want, have), ['a.json (missing)', 'b.json (changed)', 'c.json (no longer made)']);
  assert.equal(staleFacts(want, new Map(want)), []);
});

if (existsSync(upstream)) {
  test('test/upstream/ is up to date with ../shared/upstream and src/ (regenerated in memory)', () => {
    const stale = staleFacts(buildUpstreamFacts(upstream), committed);
    assert.equal(stale, [], `test/upstream/ is stale; run ${REGENERATE} and commit test/upstream/:\n  ${stale.join('\n  ')}`);
  });
} else {
  console.log(`# skipped: test/upstream/ staleness check: ${upstream} not found (set WI_GEN_SHARED_DIR to check against it)`);
  test.skip('test/upstream/ is up to date with ../shared/upstream and src/ (regenerated in memory)', () => {});
}

test.run();
