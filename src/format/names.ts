/** Identifiers derived from spec values for other languages' namespaces (Terraform, file names). */

const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * A Terraform resource name: letters, digits, `_` and `-`, not starting with a digit. Each run of
 * other characters and `_` becomes one `_` (UTF-16 code units, as a regular expression without
 * the u flag sees them). A loop rather than expressions: compiling them costs more than the
 * dozens of names a render makes.
 */
export function tfName(...parts: readonly string[]): string {
  const joined = parts.join('_');
  let name = '';
  let underscore = false;
  for (let i = 0; i < joined.length; i++) {
    const c = joined.charCodeAt(i);
    if (isAsciiLetter(c) || isAsciiDigit(c) || c === 45) {
      name += joined[i];
      underscore = false;
    } else if (!underscore) {
      name += '_';
      underscore = true;
    }
  }
  return name !== '' && (isAsciiLetter(name.charCodeAt(0)) || name[0] === '_') ? name : `_${name}`;
}

/**
 * A single path segment for a file wi-gen writes. Spec values are validated as DNS names already;
 * this is the second fence, so no value can ever name `..`, a separator or an absolute path.
 */
export function fileSegment(value: string): string {
  let cleaned = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    // Leading dots are dropped; any other character outside [A-Za-z0-9._-] becomes '-'.
    if (c === 46 && cleaned === '') continue;
    cleaned += isAsciiLetter(c) || isAsciiDigit(c) || c === 46 || c === 95 || c === 45 ? value[i] : '-';
  }
  return cleaned === '' ? '_' : cleaned;
}
