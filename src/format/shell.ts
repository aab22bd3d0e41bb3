/**
 * Shell text for the generated `cloud/*.sh` scripts. Every spec value reaches a script through
 * `shellQuote`, so a value can never run a command or break out of its argument.
 */
import { collapseRuns, isAsciiDigit, isAsciiLetter } from './names.js';

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** A reference to a shell variable the script set earlier; `command()` writes it as `"$NAME"`. */
export class ShellVariable {
  constructor(readonly name: string) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not a shell variable name: ${name}`);
  }
}

export const shellVar = (name: string): ShellVariable => new ShellVariable(name);

/** A shell variable name derived from spec values, e.g. `cert-manager` + `principal_id` → `CERT_MANAGER_PRINCIPAL_ID`. */
export function shellVarName(...parts: readonly string[]): string {
  // Other characters and runs of '_' become one '_'.
  // Upper-cased first, so the ASCII letters left are A-Z.
  const name = collapseRuns(parts.join('_').toUpperCase(), (c) => isAsciiLetter(c) || isAsciiDigit(c), '_');
  const first = name.charCodeAt(0);
  return isAsciiLetter(first) || first === 95 ? name : `_${name}`;
}

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
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * One command, argv-quoted. Long commands wrap with `\` after the first argument pair so a
 * reader can diff them; flags stay next to their values.
 */
export function command(...argv: readonly (string | ShellVariable)[]): string {
  const words = argv.map((a) => (a instanceof ShellVariable ? `"$${a.name}"` : shellQuote(a)));
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
  return `if ! ${probe} >/dev/null 2>&1; then\n  ${create.replaceAll('\n', '\n  ')}\nfi`;
}

/**
 * `name=$(cat <<'JSON' … JSON)`: a document as a script variable, readable and diffable in the
 * script. The quoted delimiter turns off every expansion inside; `text` must not contain a line
 * that is exactly the delimiter (pretty-printed JSON cannot: its lines start with a brace,
 * bracket, space or quote).
 */
export function heredocAssignment(name: string, text: string, delimiter = 'JSON'): string {
  shellVar(name);
  if (text.split('\n').includes(delimiter)) throw new Error(`heredoc text contains its delimiter ${delimiter}`);
  return `${name}=$(cat <<'${delimiter}'\n${text.endsWith('\n') ? text.slice(0, -1) : text}\n${delimiter}\n)`;
}

/** `NAME="$(command)"`: capture a command's output, e.g. an ID the cloud assigned. */
export function assign(variable: ShellVariable, commandText: string): string {
  return `${variable.name}="$(${commandText})"`;
}
