/**
 * `.wi-gen-grants.json`: the cloud grants the tree's scripts make, and the ones a re-render
 * dropped that `cloud/prune.sh` still has to remove. Dropped grants stay listed (and in
 * prune.sh) on every later render until `wi-gen SPEC -o DIR --pruned` says the script has run:
 * rendering twice must never forget a standing grant.
 */
import { CLI_ORDER, REMOVAL_RANK, grantKey } from './cloud-grant.js';
import type { CloudGrant } from '../model/cloud-grant.js';

export const GRANT_RECORD_FILE = '.wi-gen-grants.json';
const GRANT_RECORD_API_VERSION = 'wi-gen.dev/v1alpha1';
const GRANT_RECORD_KIND = 'GrantRecord';

export interface GrantRecord {
  readonly grants: readonly CloudGrant[];
  /** Dropped from the spec, not yet confirmed removed. */
  readonly prune: readonly CloudGrant[];
}

export const EMPTY_RECORD: GrantRecord = { grants: [], prune: [] };

export class GrantRecordError extends Error {}

/** Reads a record written by wi-gen; anything else is an error (a lost record would lose prunes). */
export function parseGrantRecord(text: string): GrantRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new GrantRecordError(`not JSON (${(error as Error).message})`);
  }
  const v = value as { apiVersion?: unknown; kind?: unknown; grants?: unknown; prune?: unknown };
  if (typeof value !== 'object' || value === null || v.apiVersion !== GRANT_RECORD_API_VERSION || v.kind !== GRANT_RECORD_KIND) {
    throw new GrantRecordError(`not a ${GRANT_RECORD_KIND} of ${GRANT_RECORD_API_VERSION}`);
  }
  const list = (x: unknown, field: string): CloudGrant[] => {
    if (!Array.isArray(x)) throw new GrantRecordError(`${field} is not a list`);
    for (const g of x) {
      if (typeof g !== 'object' || g === null || typeof (g as { kind?: unknown }).kind !== 'string' || !((g as { kind: string }).kind in REMOVAL_RANK)) {
        throw new GrantRecordError(`${field} holds an entry of unknown kind`);
      }
    }
    return x as CloudGrant[];
  };
  return { grants: list(v.grants, 'grants'), prune: list(v.prune ?? [], 'prune') };
}

/** The new record: this render's grants, and what earlier records had that it no longer has. */
export function nextRecord(grants: readonly CloudGrant[], previous: GrantRecord, pruned: boolean): GrantRecord {
  const now = new Set(grants.map(grantKey));
  const dropped = new Map<string, CloudGrant>();
  for (const g of [...(pruned ? [] : previous.prune), ...previous.grants]) {
    const key = grantKey(g);
    if (!now.has(key)) dropped.set(key, g);
  }
  return { grants, prune: [...dropped.keys()].sort().map((k) => dropped.get(k) as CloudGrant) };
}

/**
 * The record's file: `JSON.stringify(record, null, 2)` and a newline, a grant at a time as it is
 * read (a record of thousands of grants is never one string).
 */
export function* grantRecordParts(record: GrantRecord): Generator<string> {
  yield `{\n  "apiVersion": ${JSON.stringify(GRANT_RECORD_API_VERSION)},\n  "kind": ${JSON.stringify(GRANT_RECORD_KIND)},\n  "grants": `;
  yield* listParts(record.grants);
  yield ',\n  "prune": ';
  yield* listParts(record.prune);
  yield '\n}\n';
}

/** A list of the record, as JSON.stringify indents it two levels deep. */
function* listParts(grants: readonly CloudGrant[]): Generator<string> {
  if (grants.length === 0) {
    yield '[]';
    return;
  }
  // JSON text holds no newline of its own (a string's is escaped): each one is the layout's.
  for (const [i, g] of grants.entries()) yield `${i === 0 ? '[\n' : ',\n'}    ${JSON.stringify(g, null, 2).replace(/\n/g, '\n    ')}`;
  yield '\n  ]';
}

/** Removal order: CLIs in reverse creation order, grants before what they name. */
export function removalOrder(grants: readonly CloudGrant[]): CloudGrant[] {
  // Each grant's key made once, not twice per comparison: thousands of grants sort in n·log n comparisons.
  const keyed = grants.map((g) => ({ g, key: grantKey(g) }));
  keyed.sort((x, y) => {
    const [a, b] = [x.g, y.g];
    const cli = CLI_ORDER.indexOf(b.cli) - CLI_ORDER.indexOf(a.cli);
    if (cli !== 0) return cli;
    const rank = REMOVAL_RANK[a.kind] - REMOVAL_RANK[b.kind];
    if (rank !== 0) return rank;
    return x.key < y.key ? -1 : x.key > y.key ? 1 : 0;
  });
  return keyed.map((k) => k.g);
}
