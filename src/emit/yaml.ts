/**
 * One YAML style for every file: YAML 1.1 quoting (so `"true"`, `"yes"`, `"0755"` stay strings
 * for every consumer, including Helm's toYaml and kubectl), no line wrapping, sorted keys where
 * the caller asks. Byte-stable across runs and machines.
 */
import { stringify } from 'yaml';

export function toYaml(value: unknown): string {
  return stringify(value, { version: '1.1', lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false });
}

/** A multi-document stream with `---` between documents and a trailing newline. */
export function toYamlStream(docs: readonly unknown[]): string {
  return docs.map((d) => toYaml(d)).join('---\n');
}

/** Recursively sorted copy, for values we build ourselves (cdk8s sorts its own objects). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out as T;
  }
  return value;
}

/** Deep merge for values fragments: objects merge, lists concatenate, scalars from `b` win. */
export function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (Array.isArray(prev) && Array.isArray(value)) out[key] = [...prev, ...value];
    else if (isPlainObject(prev) && isPlainObject(value)) out[key] = deepMerge(prev, value);
    else out[key] = value;
  }
  return out;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** cdk8s' object layout: keys sorted recursively, then apiVersion, kind, metadata first. */
export function kubernetesOrder<T extends Record<string, unknown>>(object: T): T {
  const sorted = sortKeys(object) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind', 'metadata']) if (key in sorted) out[key] = sorted[key];
  for (const [key, value] of Object.entries(sorted)) if (!(key in out)) out[key] = value;
  return out as T;
}
