import { setOwn } from '../format/yaml.js';

/** Labels wi-gen puts on every object it creates, so `kubectl get -l` finds them. */
export const MANAGED_BY_LABELS: Readonly<Record<string, string>> = { 'app.kubernetes.io/managed-by': 'wi-gen' };

/** Merge label/annotation maps, later maps winning; undefined when empty so no `{}` is emitted. */
export function mergeMaps(...maps: (Readonly<Record<string, string>> | undefined)[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  // Not Object.assign: it would turn a key `__proto__` into a prototype change and drop it.
  for (const m of maps) if (m) for (const [k, v] of Object.entries(m)) setOwn(out, k, v);
  return Object.keys(out).length ? out : undefined;
}
