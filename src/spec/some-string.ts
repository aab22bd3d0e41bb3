/**
 * Whether any string of a plain parsed value (and, with `keys`, any mapping key) passes `test`:
 * the fast path's yes/no walks, which need neither paths nor nodes.
 */
export function someString(value: unknown, test: (text: string) => boolean, keys: boolean): boolean {
  if (typeof value === 'string') return test(value);
  if (Array.isArray(value)) return value.some((v) => someString(v, test, keys));
  if (value !== null && typeof value === 'object') {
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if ((keys && test(key)) || someString((value as Record<string, unknown>)[key], test, keys)) return true;
    }
  }
  return false;
}
