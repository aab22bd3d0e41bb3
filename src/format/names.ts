/** Identifiers derived from spec values for other languages' namespaces (Terraform, file names). */

/** A Terraform resource name: letters, digits, `_` and `-`, not starting with a digit. */
export function tfName(...parts: readonly string[]): string {
  const joined = parts
    .join('_')
    .replace(/[^A-Za-z0-9_-]/g, '_')
    .replace(/_+/g, '_');
  return /^[A-Za-z_]/.test(joined) ? joined : `_${joined}`;
}

/**
 * A single path segment for a file wi-gen writes. Spec values are validated as DNS names already;
 * this is the second fence, so no value can ever name `..`, a separator or an absolute path.
 */
export function fileSegment(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^\.+/, '');
  return cleaned === '' ? '_' : cleaned;
}
