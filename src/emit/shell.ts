/**
 * Shell text for the generated `cloud/*.sh` scripts. Every spec value reaches a script through
 * `shellQuote`, so a value can never run a command or break out of its argument.
 */

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

const CONTROL = /[\x00-\x1f\x7f]/;

/**
 * One shell word that bash reads back as exactly `value`. Values with control characters use
 * ANSI-C quoting (`$'a\nb'`, bash), so no quoted word ever spans lines: indenting a script's
 * lines can then never change an argument.
 */
export function shellQuote(value: string): string {
  if (value !== '' && SAFE_WORD.test(value)) return value;
  if (CONTROL.test(value)) {
    const body = value.replace(/[\\'\x00-\x1f\x7f]/g, (ch) => {
      if (ch === '\\' || ch === "'") return `\\${ch}`;
      if (ch === '\n') return '\\n';
      if (ch === '\t') return '\\t';
      if (ch === '\r') return '\\r';
      return `\\x${(ch.codePointAt(0) as number).toString(16).padStart(2, '0')}`;
    });
    return `$'${body}'`;
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * One command, argv-quoted. Long commands wrap with `\` after the first argument pair so a
 * reader can diff them; flags stay next to their values.
 */
export function command(...argv: readonly string[]): string {
  const words = argv.map(shellQuote);
  const oneLine = words.join(' ');
  if (oneLine.length <= 100) return oneLine;
  const lines: string[] = [];
  let current = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const isFlag = word.startsWith('--') && !word.includes('=');
    const next = words[i + 1];
    const piece = isFlag && next !== undefined && !next.startsWith('--') ? `${word} ${next}` : word;
    if (piece !== word) i++;
    if (current === '') current = piece;
    else if (lines.length === 0 && !piece.startsWith('--')) current += ` ${piece}`;
    else {
      lines.push(current);
      current = piece;
    }
  }
  lines.push(current);
  return lines.join(' \\\n    ');
}

/** Run `create` only when `probe` fails: the usual way to make a cloud CLI step idempotent. */
export function unless(probe: string, create: string): string {
  return `if ! ${probe} >/dev/null 2>&1; then\n  ${create.replace(/\n/g, '\n  ')}\nfi`;
}
