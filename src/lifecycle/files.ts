/**
 * The lifecycle files of a tree: the grant record, `cloud/prune.sh` (only when a re-render
 * dropped grants) and `cloud/teardown.sh` (everything the scripts create, behind a guard).
 */
import type { Model } from '../model/model.js';
import { generatedHeader, withHeader, type TreeFile } from '../format/tree.js';
import type { CloudGrant } from '../model/cloud-grant.js';
import type { CloudObjects } from '../model/method.js';
import { collectGrants } from './collect.js';
import { GRANT_RECORD_FILE, grantRecordParts, nextRecord, removalOrder, type GrantRecord } from './record.js';
import { removalHelpers, removalSteps } from './removal.js';

const PRUNE_SCRIPT = 'cloud/prune.sh';
const TEARDOWN_SCRIPT = 'cloud/teardown.sh';
const TEARDOWN_ENV = 'WI_GEN_TEARDOWN';

/** What the spec marks as existing (`create: false`) is never deleted, only its grants are. */
function deletes(g: CloudGrant): boolean {
  if (g.kind === 'gcp-service-account' || g.kind === 'azure-identity') return g.created;
  return true;
}

/** The script's body, a removal step at a time as it is read. */
function* body(grants: readonly CloudGrant[]): Generator<string> {
  // Controller objects are deleted with kubectl (README), not by the cloud scripts.
  const steps = removalOrder(grants.filter(deletes).filter((g) => g.cli !== 'kubectl'));
  const used = [...new Set(steps.map((g) => g.cli))];
  const needs = used.map((cli) => `command -v ${cli} >/dev/null 2>&1 || { echo "wi-gen: ${cli} is not installed" >&2; exit 2; }\n`).join('');
  const helpers = removalHelpers(steps).map((h) => `${h}\n\n`).join('');
  yield `${helpers}${needs}\n`;
  for (const [i, g] of steps.entries()) yield `${i > 0 ? '\n\n' : ''}${removalSteps(g).join('\n')}`;
  yield '\n';
}

/** The script's text, its header apart from its (long) body: see TreeFile. */
function script(model: Model, purpose: string, guard: string, grants: readonly CloudGrant[]): Iterable<string> {
  return withHeader(`#!/usr/bin/env bash\n${generatedHeader(model.specName, 'hash')}# ${purpose}\n# Idempotent: every step looks before it deletes; safe to re-run.\nset -euo pipefail\n\n${guard}`, body(grants));
}

interface LifecycleFiles {
  /** Made one at a time as they are asked for (once): a render that writes each as it comes holds one. */
  readonly files: Iterable<TreeFile>;
  readonly record: GrantRecord;
}

/** `cloudObjects`: the Config Connector / ASO objects of the render's cloud plans (see collectGrants). */
export function lifecycleFiles(model: Model, cloudObjects: readonly CloudObjects[], previous: GrantRecord, pruned: boolean): LifecycleFiles {
  const grants = collectGrants(model, cloudObjects);
  const record = nextRecord(grants, previous, pruned);
  return { files: lifecycleTree(model, grants, record), record };
}

function* lifecycleTree(model: Model, grants: readonly CloudGrant[], record: GrantRecord): Generator<TreeFile> {
  yield { path: GRANT_RECORD_FILE, parts: grantRecordParts(record) };
  if (record.prune.some((g) => g.cli !== 'kubectl')) {
    yield {
      path: PRUNE_SCRIPT,
      executable: true,
      parts: script(model, 'Removes the cloud grants of bindings that left the spec (recorded in .wi-gen-grants.json), newest dependencies first.', '', record.prune),
    };
  }
  if (grants.some((g) => deletes(g) && g.cli !== 'kubectl')) {
    const guard =
      `if [ "\${1:-}" != --yes ] && [ "\${${TEARDOWN_ENV}:-}" != yes ]; then\n` +
      `  echo "wi-gen: this deletes every grant and every identity the spec's scripts created for cluster ${model.cluster.name}; run: $0 --yes (or ${TEARDOWN_ENV}=yes)" >&2\n` +
      '  exit 2\nfi\n\n';
    yield {
      path: TEARDOWN_SCRIPT,
      executable: true,
      parts: script(model, 'Removes everything the cloud scripts create for this spec, in reverse order; what the spec marks create: false is kept.', guard, grants),
    };
  }
}
