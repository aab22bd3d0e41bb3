/**
 * Every Kubernetes object wi-gen owns, in memory, one entry per output file under `manifests/`:
 * the bound ServiceAccounts (one per binding) as plain objects in cdk8s' layout, the methods'
 * few objects and the issuers synthesized with cdk8s (one chart per file). Objects are returned
 * as plain JSON (cdk8s sorts their keys).
 */
import { App, Chart } from 'cdk8s';
import type { Model } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { AcmeDns01Issuer } from './acme-issuer.js';
import { boundServiceAccount } from './service-account.js';
import { MANAGED_BY_LABELS } from './labels.js';

export interface ManifestFile {
  /** File name under `manifests/`. */
  readonly file: string;
  readonly objects: readonly Record<string, unknown>[];
}

export function synthesizeManifests(model: Model): ManifestFile[] {
  const context: MethodContext = { model };
  const app = new App();
  // Insertion order is file order; one lookup per identity, so a Map rather than a search.
  const charts = new Map<string, Chart>();
  const chart = (file: string): Chart => {
    let existing = charts.get(file);
    if (!existing) {
      existing = new Chart(app, file.replace(/\.yaml$/, ''), { labels: { ...MANAGED_BY_LABELS }, disableResourceNameHashes: true });
      charts.set(file, existing);
    }
    return existing;
  };

  const serviceAccounts = model.bindings.filter((b) => b.create).map((b) => boundServiceAccount(b, context));

  for (const identity of model.identities) {
    const method = identity.method;
    if (!method.objects) continue;
    method.objects(identity, chart(`${method.manifestFile ?? method.key}.yaml`), context);
  }

  const issuers = model.certManager?.issuers ?? [];
  if (issuers.length > 0) {
    const scope = chart('issuers.yaml');
    for (const issuer of issuers) {
      const provider = issuer.identity.method.dns01Solver?.(issuer, context) ?? {};
      new AcmeDns01Issuer(scope, `${issuer.kind}-${issuer.namespace ?? ''}-${issuer.name}`, { issuer, provider });
    }
  }

  // No method writes to `service-accounts.yaml` (their files are named after the method).
  return [{ file: 'service-accounts.yaml', objects: serviceAccounts }, ...[...charts].map(([file, c]) => ({ file, objects: c.toJson() as Record<string, unknown>[] }))].filter(
    (f) => f.objects.length > 0,
  );
}
