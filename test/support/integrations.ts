// Helpers for the integration tests: README snippets, and a scratch project with wi-gen installed
// as a dependency the way npm would (node_modules/wi-gen and node_modules/.bin/wi-gen).
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './wi-gen.js';
import { tmpDir } from './tools.js';

/** The fenced block right after `<!-- snippet: NAME -->` in README.md. */
export function snippet(name: string): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const at = readme.indexOf(`<!-- snippet: ${name} -->`);
  if (at < 0) throw new Error(`README.md has no snippet named ${name}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`snippet ${name} has no fenced block`);
  return m[1] as string;
}

/** A scratch project depending on this checkout of wi-gen; returns its directory. */
export function projectWithWiGen(prefix = 'wi-gen-project-'): string {
  const dir = tmpDir(prefix);
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(repoRoot, join(dir, 'node_modules', 'wi-gen'), 'dir');
  symlinkSync(join('..', 'wi-gen', 'bin', 'wi-gen.cjs'), join(dir, 'node_modules', '.bin', 'wi-gen'));
  return dir;
}

/** Environment for child tools: no npm noise from the user's config, no pre-commit cache outside the test. */
export function quietEnv(extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return { npm_config_update_notifier: 'false', NO_COLOR: '1', ...extra };
}

/** A GKE spec that is also a KRM object (local-config), for the kustomize, kpt and fn tests. */
export const GKE_SPEC = `apiVersion: wi-gen.dev/v1alpha1
kind: WorkloadIdentitySpec
metadata:
  name: workload-identity
  annotations:
    config.kubernetes.io/local-config: "true"
cluster:
  name: analytics
  gke: {project: acme-analytics}
identities:
  - name: reporter
    gke: {serviceAccount: reporter@acme-analytics.iam.gserviceaccount.com}
bindings:
  - identity: reporter
    serviceAccount: {namespace: batch, name: reporter}
`;
