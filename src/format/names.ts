/** Identifiers derived from spec values for other languages' namespaces (Terraform, file names). */

export const isAsciiLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;

/**
 * `text` with each run of the characters `keep` refuses (UTF-16 code units) replaced by one `fill`.
 * What replacing `[^kept]` by `fill` and then runs of `fill` by one does, when `fill` is itself
 * refused; a loop rather than expressions, whose compiling costs more than the dozens of names a
 * render makes.
 */
export function collapseRuns(text: string, keep: (code: number) => boolean, fill: string): string {
  let out = '';
  let filled = false;
  for (let i = 0; i < text.length; i++) {
    if (keep(text.charCodeAt(i))) {
      out += text[i];
      filled = false;
    } else if (!filled) {
      out += fill;
      filled = true;
    }
  }
  return out;
}

/**
 * A Terraform resource name: letters, digits, `_` and `-`, not starting with a digit. Each run of
 * other characters and `_` becomes one `_`.
 */
export function tfName(...parts: readonly string[]): string {
  const name = collapseRuns(parts.join('_'), (c) => isAsciiLetter(c) || isAsciiDigit(c) || c === 45, '_');
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
