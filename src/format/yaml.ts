/**
 * One YAML style for every file: YAML 1.1 quoting (so `"true"`, `"yes"`, `"0755"` stay strings
 * for every consumer, including Helm's toYaml and kubectl), no line wrapping, sorted keys where
 * the caller asks. Byte-stable across runs and machines.
 *
 * The `yaml` package defines the bytes. Building its document model costs ~100 µs per small
 * object, most of a large render, so block maps and lists are laid out here, in exactly the bytes
 * `yaml` would write (test/yaml.test.ts checks that property on generated documents): plain
 * strings, integers and booleans directly, other scalars with `yaml`'s text for that scalar.
 * Anything else (keys that need quotes, multi-line strings, class instances) goes to `yaml`.
 */
import { Document, isScalar, stringify, visit } from 'yaml';
import { NON_STRING_PLAIN_SCALARS } from './yaml-resolvers.js';
import { isAsciiDigit, isAsciiLetter } from './names.js';

const OPTIONS = { version: '1.1', lineWidth: 0, minContentWidth: 0, indentSeq: true, aliasDuplicateObjects: false } as const;

export function toYaml(value: unknown): string {
  return directYaml(value) ?? viaDocument(value);
}

/**
 * `yaml`'s own output, with every string a YAML 1.2 reader would take for a number, boolean or
 * null double-quoted: the 1.1 schema `yaml` writes with does not know `0o17`.
 */
function viaDocument(value: unknown): string {
  const doc = new Document(value, OPTIONS);
  visit(doc, {
    Scalar: (_, node) => {
      if (typeof node.value === 'string' && !node.type && readAsNonString(node.value)) node.type = 'QUOTE_DOUBLE';
    },
    Pair: (_, pair) => {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && readAsNonString(pair.key.value)) pair.key.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString(OPTIONS);
}

/** The direct writer alone: the same text as `yaml`, or undefined when only `yaml` can write it. */
export function directYaml(value: unknown): string | undefined {
  const lines: string[] = [];
  return writeTop(value, lines) ? `${lines.join('\n')}\n` : undefined;
}

/** A multi-document stream with `---` between documents and a trailing newline. */
export function toYamlStream(docs: readonly unknown[]): string {
  return Array.from(yamlStreamParts(docs)).join('');
}

/** toYamlStream's text a document at a time, made as it is read. */
export function* yamlStreamParts(docs: readonly unknown[]): Generator<string> {
  for (const [i, d] of docs.entries()) yield i > 0 ? `---\n${toYaml(d)}` : toYaml(d);
}

/** Scalars `yaml` leaves unquoted are a subset of these; the schema decides the rest. */
// A leading `/` (Azure resource IDs) and an inner `|` (kustomize target alternations) are plain
// for `yaml` too: neither is an indicator there.
const PLAIN_CANDIDATE = /^[A-Za-z0-9/][A-Za-z0-9._/@+=:|-]*$/;
/** Longer keys become explicit `? key` entries. */
const MAX_IMPLICIT_KEY = 1000;
/**
 * What some reader takes for something other than a string beyond NON_STRING_PLAIN_SCALARS: YAML 1.1's value key
 * `=` and merge key `<<`, and any number-like prefix (`0o`, `0b`, `0x`, signs, digits with `_`
 * or `:`), whatever a given schema makes of the rest.
 */
export const OTHER_NON_STRINGS: readonly RegExp[] = [/^(=|<<)$/, /^[-+]?0[oObBxX]/, /^[-+]?(\.?[0-9][0-9_]*)([.:][0-9_]*)*([eE][-+]?[0-9]+)?$/, /^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$/, /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/];

/**
 * NON_STRING_PLAIN_SCALARS and OTHER_NON_STRINGS as one expression, made on first use: each
 * alternative anchored as before, and none has flags or back-references (test/yaml.test.ts), so it
 * matches exactly where one of them does.
 */
let nonStringForms: RegExp | undefined;
const nonStringPattern = (): RegExp =>
  (nonStringForms ??= new RegExp([...NON_STRING_PLAIN_SCALARS, ...OTHER_NON_STRINGS].map((re) => `(?:${re.source})`).join('|')));

/** The forms of both lists that start with a letter: YAML 1.1's and 1.2's words, and a bare exponent such as e5. */
const NON_STRING_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF', 'null', 'Null', 'NULL']);
function isBareExponent(value: string): boolean {
  let i = value.charCodeAt(1) === 43 || value.charCodeAt(1) === 45 ? 2 : 1;
  if (i >= value.length) return false;
  for (; i < value.length; i++) if (!isAsciiDigit(value.charCodeAt(i))) return false;
  return true;
}

/**
 * True when a YAML 1.1 or 1.2 reader could resolve this plain scalar to a number, boolean, null or
 * timestamp. Compiling the expressions of the lists is most of what testing a few hundred strings
 * costs, and nearly every string wi-gen writes starts with a letter, where the lists match only
 * words and bare exponents; or with a character none of them starts with (a form starts with a
 * letter, a digit, '-', '+', '.', '~', '<' or '='). Only the rest meet the expressions.
 * test/yaml.test.ts holds this to the lists, string for string.
 */
export function readAsNonString(value: string): boolean {
  if (value === '') return true;
  const first = value.charCodeAt(0);
  if (isAsciiLetter(first)) return NON_STRING_WORDS.has(value) || ((first === 101 || first === 69) && isBareExponent(value));
  // - + . ~ < = and digits
  if (!(first === 45 || first === 43 || first === 46 || first === 126 || first === 60 || first === 61 || isAsciiDigit(first))) return false;
  return nonStringPattern().test(value);
}
const plainCache = new Map<string, boolean>();

/** True when `yaml` writes this string as a plain scalar, as a key or a block value. */
function isPlain(value: string): boolean {
  let plain = plainCache.get(value);
  if (plain === undefined) {
    plain = PLAIN_CANDIDATE.test(value) && !value.endsWith(':') && value.length <= MAX_IMPLICIT_KEY && !readAsNonString(value);
    plainCache.set(value, plain);
  }
  return plain;
}

/** A map `yaml` writes from its own keys (no class instance, no toJSON). */
function isJsonMap(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

/**
 * The text of a scalar as a map value (`seq: false`) or list item, or undefined when only a
 * whole-document `yaml` run can write it. Strings that need quotes, and numbers other than
 * integers, take `yaml`'s own text for that scalar alone, once per distinct value.
 */
function scalar(value: unknown, seq: boolean): string | undefined {
  if (typeof value === 'string') {
    if (isPlain(value)) return value;
    // `yaml` (YAML 1.1) would leave some of these plain (`0o17`, `=`): double quotes, which JSON
    // writes the way YAML reads them.
    if (readAsNonString(value)) return JSON.stringify(value);
    if (singleQuotedAsIs(value)) return `'${value}'`;
    return viaYaml(value, seq);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' && !Object.is(value, -0)) return Number.isSafeInteger(value) ? String(value) : viaYaml(value, seq);
  if (value === null) return viaYaml(null, seq);
  return undefined;
}

/** What `yaml` must quote and does not escape or fold. */
const NEEDS_CARE = /['\x00-\x1f\x7f-\x9f\uD800-\uDFFF]/;

/**
 * Strings that open like a flow collection and hold `"` but no `'`, such as the inline JSON 6902
 * patches of the namespace Components (one distinct string per workload): `yaml` single-quotes
 * them as they are (plainString sends a leading `[` or `{` to quotedString, which picks single
 * quotes for a `"` without a `'`; with lineWidth 0 nothing folds). Written here instead of one
 * `yaml` run per distinct string.
 */
function singleQuotedAsIs(value: string): boolean {
  const first = value.charCodeAt(0);
  return (first === 0x5b || first === 0x7b) && value.includes('"') && !NEEDS_CARE.test(value);
}

const scalarCache = new Map<string, string | null>();

function viaYaml(value: string | number | null, seq: boolean): string | undefined {
  const key = `${seq ? '-' : ':'}${typeof value}:${String(value)}`;
  let text = scalarCache.get(key);
  if (text === undefined) {
    const prefix = seq ? '- ' : 'k: ';
    const out = stringify(seq ? [value] : { k: value }, OPTIONS);
    // Single-line text only: block scalars depend on the indentation where they stand.
    text = out.startsWith(prefix) && out.indexOf('\n') === out.length - 1 ? out.slice(prefix.length, -1) : null;
    scalarCache.set(key, text);
  }
  return text ?? undefined;
}

/** `{}`/`[]` for empty collections, the scalar text, or undefined for a non-empty collection or a value `yaml` must write. */
function inline(value: unknown, seq: boolean): string | undefined {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : undefined;
  if (isJsonMap(value)) return Object.keys(value).some((k) => value[k] !== undefined) ? undefined : '{}';
  return scalar(value, seq);
}

function writeTop(value: unknown, lines: string[]): boolean {
  if (Array.isArray(value)) return value.length > 0 && writeSeq(value, '', '', lines);
  if (isJsonMap(value)) return Object.keys(value).some((k) => value[k] !== undefined) && writeMap(value, '', '', lines);
  return false;
}

/** Writes a non-empty map; the first line starts with `first` (an item's `- `), the rest with `indent`. */
function writeMap(map: Record<string, unknown>, first: string, indent: string, lines: string[]): boolean {
  let lead = first;
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) continue; // as `yaml` without keepUndefined
    if (!isPlain(key)) return false;
    const text = inline(value, false);
    if (text !== undefined) lines.push(`${lead}${key}: ${text}`);
    else {
      lines.push(`${lead}${key}:`);
      const nested = `${indent}  `;
      if (Array.isArray(value) ? !writeSeq(value, nested, nested, lines) : !isJsonMap(value) || !writeMap(value, nested, nested, lines)) return false;
    }
    lead = indent;
  }
  return true;
}

/** Writes a non-empty list; the first line starts with `first`, the rest with `indent`. */
function writeSeq(seq: readonly unknown[], first: string, indent: string, lines: string[]): boolean {
  let lead = first;
  for (const item of seq) {
    const text = inline(item, true);
    if (text !== undefined) lines.push(`${lead}- ${text}`);
    else if (Array.isArray(item)) {
      if (!writeSeq(item, `${lead}- `, `${indent}  `, lines)) return false;
    } else if (!isJsonMap(item) || !writeMap(item, `${lead}- `, `${indent}  `, lines)) return false;
    lead = indent;
  }
  return true;
}

/** Sets an own property even for `__proto__`, which plain assignment turns into a prototype change. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Recursively sorted copy, for values we build ourselves (cdk8s sorts its own objects). */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value as object).sort()) setOwn(out, key, sortKeys((value as Record<string, unknown>)[key]));
    return out as T;
  }
  return value;
}

/** cdk8s' object layout: keys sorted recursively, then apiVersion, kind, metadata first. */
export function kubernetesOrder<T extends Record<string, unknown>>(object: T): T {
  return identityFieldsFirst(sortKeys(object) as Record<string, unknown>) as T;
}

/** A sorted object with apiVersion, kind and metadata moved first, as cdk8s writes them. */
export function identityFieldsFirst(sorted: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['apiVersion', 'kind', 'metadata']) if (key in sorted) out[key] = sorted[key];
  for (const [key, value] of Object.entries(sorted)) if (!(key in out)) setOwn(out, key, value);
  return out;
}
