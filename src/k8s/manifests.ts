/**
 * Every Kubernetes object wi-gen owns, in memory, one entry per output file under `manifests/`:
 * the bound ServiceAccounts (one per binding), each method's objects and the issuers, as plain
 * objects in cdk8s' layout (src/k8s/kube-object.ts).
 */
import type { Model } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { acmeDns01Issuer } from './acme-issuer.js';
import { boundServiceAccount } from './service-account.js';
import { KubeObjectList } from './kube-object.js';

export interface ManifestFile {
  /** File name under `manifests/`. */
  readonly file: string;
  readonly objects: readonly Record<string, unknown>[];
}

export function synthesizeManifests(model: Model): ManifestFile[] {
  const context: MethodContext = { model };
  // Insertion order is file order; one lookup per identity, so a Map rather than a search.
  const files = new Map<string, KubeObjectList>();
  const file = (name: string): KubeObjectList => {
    let list = files.get(name);
    if (!list) {
      list = new KubeObjectList();
      files.set(name, list);
    }
    return list;
  };

  // No method writes to `service-accounts.yaml` (their files are named after the method).
  const serviceAccounts = model.bindings.filter((b) => b.create).map((b) => boundServiceAccount(b, context));

  for (const identity of model.identities) {
    const method = identity.method;
    if (!method.objects) continue;
    method.objects(identity, file(`${method.manifestFile ?? method.key}.yaml`), context);
  }

  const issuers = model.certManager?.issuers ?? [];
  if (issuers.length > 0) {
    const list = file('issuers.yaml');
    for (const issuer of issuers) {
      const provider = issuer.identity.method.dns01Solver?.(issuer, context) ?? {};
      list.add(`${issuer.kind}-${issuer.namespace ?? ''}-${issuer.name}`, acmeDns01Issuer(issuer, provider));
    }
  }

  return [{ file: 'service-accounts.yaml', objects: serviceAccounts }, ...[...files].map(([name, list]) => ({ file: name, objects: list.objects }))].filter((f) => f.objects.length > 0);
}
