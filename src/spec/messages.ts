/**
 * Turns zod issues into messages an operator can act on: "is required", "unknown key (did you
 * mean …)", "quote it", and a pointer to a Secret reference when a key looks like a secret.
 */
import type { z } from 'zod';
import type { SpecPath } from '../model/diagnostics.js';
import { specSchema } from './schema.js';

interface IssueMessage {
  readonly path: SpecPath;
  readonly message: string;
  /** Point at the key rather than the value (unknown keys). */
  readonly pointAtKey?: boolean;
}

const SECRET_KEY = /(secret|password|passwd|private.?key|token|credential|key\.?json|access.?key|api.?key|account.?key|client.?key|key.?file|\.pem$|\.p12$|\.pfx$)/i;

/** Unknown keys reported one by one per mapping; the rest are counted. */
const MAX_UNKNOWN_KEYS_SHOWN = 100;

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = raw;
  for (const part of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    // Own properties only: a key named `constructor` or `__proto__` is data, not Object's.
    if (!Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[part];
  }
  return cur;
}

function distance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0] as number;
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j] as number;
      dp[j] = Math.min((dp[j] as number) + 1, (dp[j - 1] as number) + 1, prev + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length] as number;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * @param sourceOf the scalar at a path as written in the file: `1e3` and `0755` resolve to the
 * numbers 1000 and 755, and "quote it" must show what the operator typed, not those.
 */
export function describeIssue(issue: z.core.$ZodIssue, raw: unknown, sourceOf: (path: SpecPath) => string | undefined = () => undefined): IssueMessage[] {
  const path = issue.path as SpecPath;
  switch (issue.code) {
    case 'unrecognized_keys': {
      const allowed = allowedKeysFromIssue(issue);
      // Thousands of unknown keys are one mistake (a file that is not a spec): the first ones tell it.
      const more = issue.keys.length - MAX_UNKNOWN_KEYS_SHOWN;
      const summary: IssueMessage[] = more > 0 ? [{ path, message: `and ${more} more unknown keys here` }] : [];
      return issue.keys.slice(0, MAX_UNKNOWN_KEYS_SHOWN).map((key): IssueMessage => {
        if (key === '<<') {
          return { path: [...path, key], pointAtKey: true, message: 'YAML merge keys (<<) are not part of YAML 1.2, which specs use; write the keys out' };
        }
        // A near-miss of a real key is a typo (automountTokens), not a secret.
        if (SECRET_KEY.test(key) && !isTypoOf(key, allowed)) {
          return {
            path: [...path, key],
            pointAtKey: true,
            message: `"${key}" looks like a secret value; wi-gen specs never hold secrets. Reference a Kubernetes Secret or a Vault path instead, or use a keyless identity method`,
          };
        }
        const hint = suggestion(key, allowed);
        return { path: [...path, key], pointAtKey: true, message: `unknown key "${key}"${hint}` };
      }).concat(summary);
    }
    case 'invalid_type': {
      const actual = valueAt(raw, issue.path);
      if (actual === undefined) return [{ path, message: 'is required' }];
      if (issue.expected === 'string' && (typeof actual === 'boolean' || typeof actual === 'number')) {
        const written = sourceOf(path) ?? String(actual);
        return [{ path, message: `must be a string, got ${typeof actual} ${written}: quote it, e.g. ${JSON.stringify(written)}` }];
      }
      return [{ path, message: `must be ${article(issue.expected)}, got ${typeName(actual)}` }];
    }
    case 'invalid_value': {
      const actual = valueAt(raw, issue.path);
      if (actual === undefined) return [{ path, message: 'is required' }];
      const values = issue.values.map((v) => JSON.stringify(v)).join(', ');
      return [{ path, message: `must be one of ${values}, got ${JSON.stringify(actual)}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function article(expected: string): string {
  if (expected === 'object') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

/** Zod does not list the allowed keys with the issue; walk the schema to the object it names. */
function allowedKeysFromIssue(issue: z.core.$ZodIssue): readonly string[] {
  let node: z.core.$ZodType | undefined = specSchema() as unknown as z.core.$ZodType;
  const unwrap = (n: z.core.$ZodType | undefined): z.core.$ZodType | undefined => {
    let cur = n;
    for (let i = 0; cur && i < 10; i++) {
      const def = cur._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
      if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') cur = def.innerType;
      else if (def.type === 'pipe') cur = def.in;
      else break;
    }
    return cur;
  };
  for (const part of issue.path) {
    node = unwrap(node);
    const def = node?._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
    if (!def) return [];
    if (def.type === 'object' && typeof part === 'string') node = def.shape && Object.hasOwn(def.shape, part) ? def.shape[part] : undefined;
    else if (def.type === 'array') node = def.element;
    else return [];
  }
  const def = unwrap(node)?._zod.def as unknown as { type: string; shape?: Record<string, unknown> } | undefined;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

function isTypoOf(key: string, allowed: readonly string[]): boolean {
  return allowed.some((a) => distance(key, a) <= 2);
}

function suggestion(key: string, allowed: readonly string[]): string {
  if (allowed.length === 0) return '';
  // One distance per allowed key (not one per comparison of a sort): a spec can hold 80k unknown keys.
  let best = allowed[0] as string;
  let bestDistance = Infinity;
  for (const a of allowed) {
    const d = distance(key, a);
    if (d < bestDistance) [best, bestDistance] = [a, d];
  }
  if (bestDistance <= Math.max(2, Math.floor(best.length / 4))) return ` (did you mean "${best}"?)`;
  return ` (allowed: ${allowed.join(', ')})`;
}
