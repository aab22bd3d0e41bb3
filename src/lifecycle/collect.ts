/**
 * Every grant and resource the spec's cloud scripts make: each method's `cloudGrants` (from the
 * same name and grant functions its scripts are written with, so the record cannot disagree with
 * them), plus the Config Connector / ASO objects of their cloud plans.
 */
import type { Model } from '../model/model.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import type { CloudObjects, MethodContext } from '../model/method.js';
import { grantKey } from './cloud-grant.js';

/**
 * The spec's grants, deduplicated by key and sorted by it: the bytes of the record. `cloudObjects`
 * are the Config Connector / ASO objects of the render's cloud plans (`CloudPlan.objects`, in
 * identity order), taken from the plans the render made rather than made again: a plan of
 * thousands of bindings is most of a large render's cost.
 */
export function collectGrants(model: Model, cloudObjects: readonly CloudObjects[]): CloudGrant[] {
  const ctx: MethodContext = { model };
  const byKey = new Map<string, CloudGrant>();
  for (const identity of model.identities) {
    for (const g of identity.method.cloudGrants?.(identity, ctx) ?? []) byKey.set(grantKey(g), g);
  }
  for (const file of cloudObjects) {
    for (const o of file.objects) {
      const meta = (o['metadata'] ?? {}) as { name?: string; namespace?: string };
      const g: CloudGrant = { cli: 'kubectl', kind: 'cloud-object', apiVersion: String(o['apiVersion']), objectKind: String(o['kind']), namespace: meta.namespace ?? '', name: meta.name ?? '' };
      byKey.set(grantKey(g), g);
    }
  }
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as CloudGrant);
}
