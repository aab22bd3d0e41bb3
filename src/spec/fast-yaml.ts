/**
 * A fast reader for the YAML that specs are actually written in, in front of the `yaml` library.
 *
 * The library keeps a concrete syntax tree and a Document for every spec (at 10,000 bindings about
 * 110 MB for a 1 MB file) so that a problem can point at its line and column. A spec without
 * errors needs no syntax tree: this reader goes straight from text to the plain value, in one
 * pass of character-code loops, for a subset of YAML — block mappings and sequences (with
 * `- key: v` compact mappings), flow mappings and sequences, single-line plain, single- and
 * double-quoted scalars, comments, blank lines, an optional leading `---`.
 *
 * Its contract is "the same value as the library, or undefined": for every input it returns
 * either exactly what `parseAllDocuments(text, { version: '1.2' })[0].toJS()` returns (core
 * schema), or undefined when the input leaves the subset or anything about it is unusual
 * (anchors, aliases, tags, directives, `?` keys, block scalars, multi-line scalars, tabs, a
 * second document, duplicate or non-string keys, deep nesting). The caller then reads the
 * spec the slow way, which also reports every problem with its position. test/fast-yaml.test.ts
 * holds the reader to that contract against the library on generated and mutated inputs.
 *
 * A spec that only warns needs a line and column per warning: read again with `ValuePositions`,
 * the reader notes where each value starts, at the offset the library's node for it starts
 * (`range[0]`), which the same tests check for every path.
 */

/** Thrown (one instance, no stack) to abandon a read: the caller gets `undefined`. */
const NOT_SURE: unique symbol = Symbol('not sure');

/** Well under MAX_SPEC_DEPTH in load.ts: deeper specs take the slow path and its message. */
const MAX_DEPTH = 32;
/** YAML allows an implicit key of at most 1024 characters up to its `:`; stay clear of the edge. */
const MAX_KEY_CHARS = 1000;

const NL = 10;
const CR = 13;
const SPACE = 32;
const HASH = 35;
const QUOTE_DOUBLE = 34;
const QUOTE_SINGLE = 39;
const COMMA = 44;
const DASH = 45;
const DOT = 46;
const COLON = 58;
const BACKSLASH = 92;
const BRACKET_OPEN = 91;
const BRACKET_CLOSE = 93;
const BRACE_OPEN = 123;
const BRACE_CLOSE = 125;

/** `,[]{}`: end a plain scalar inside a flow collection. */
function isFlowIndicator(c: number): boolean {
  return c === COMMA || c === BRACKET_OPEN || c === BRACKET_CLOSE || c === BRACE_OPEN || c === BRACE_CLOSE;
}

/**
 * Characters that cannot start a plain scalar here, or start something outside the subset:
 * `-?:,[]{}#&*!|>'"%@` and backquote. (`-` followed by a non-blank is let through by the caller.)
 */
function isIndicator(c: number): boolean {
  switch (c) {
    case DASH: case 63 /* ? */: case COLON: case COMMA: case BRACKET_OPEN: case BRACKET_CLOSE: case BRACE_OPEN: case BRACE_CLOSE:
    case HASH: case 38 /* & */: case 42 /* * */: case 33 /* ! */: case 124 /* | */: case 62 /* > */:
    case QUOTE_SINGLE: case QUOTE_DOUBLE: case 37 /* % */: case 64 /* @ */: case 96 /* ` */:
      return true;
    default:
      return false;
  }
}

/**
 * Characters the reader refuses anywhere: tabs (YAML forbids them in indentation and the subset
 * needs them nowhere), other C0 and C1 controls, DEL, a lone CR, BOMs, line and paragraph
 * separators, noncharacters and unpaired surrogates. The library treats some of these specially;
 * the slow path decides what they mean.
 */
function hasRefusedCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= SPACE && c < 0x7f) continue;
    if (c === NL) continue;
    if (c === CR) {
      if (text.charCodeAt(i + 1) !== NL) return true;
      continue;
    }
    if (c < SPACE || (c >= 0x7f && c <= 0x9f)) return true;
    if (c === 0xfeff || c === 0x2028 || c === 0x2029 || c === 0xfffe || c === 0xffff) return true;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
      continue;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

// The YAML 1.2 core schema's resolution of plain scalars (YAML 1.2.2 §10.3.2, tag resolution),
// tried in the order the `yaml` library tries its tags (octal, decimal, hex, .inf/.nan, exponent,
// fraction), which decides the overlaps; null and bool are matched by hand.
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

function hasInnerSign(s: string): boolean {
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c === 43 || c === DASH) && s.charCodeAt(i - 1) !== 101 && s.charCodeAt(i - 1) !== 69) return true;
  }
  return false;
}

function isDigits(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return s.length > 0;
}

/** A plain scalar's value under the YAML 1.2 core schema, resolved as the library resolves it. */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Only `~`, n/N, t/T, f/F, digits, `+`, `-` and `.` can start a non-string: skip the tests otherwise.
  if (c === 126 /* ~ */) return s.length === 1 ? null : s;
  if (c === 110 /* n */ || c === 78 /* N */) return s === 'null' || s === 'Null' || s === 'NULL' ? null : s;
  if (c === 116 /* t */ || c === 84 /* T */) return s === 'true' || s === 'True' || s === 'TRUE' ? true : s;
  if (c === 102 /* f */ || c === 70 /* F */) return s === 'false' || s === 'False' || s === 'FALSE' ? false : s;
  if (!((c >= 48 && c <= 57) || c === 43 /* + */ || c === DASH || c === DOT)) return s;
  // Digits only (ports, durations, IDs) is what INT matches and INT_OCT cannot: no expression to compile.
  if (isDigits(s)) return parseInt(s, 10);
  // The expressions below take a sign first or right after an exponent's e only: a GUID is a string.
  if (hasInnerSign(s)) return s;
  // The same conversions as the library's tags (parseInt with the tag's radix, parseFloat).
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s.charCodeAt(0) === DASH ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

/** Escapes of a double-quoted scalar (YAML 1.2 §5.7) with a one-character replacement. */
const ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029', ' ': ' ', '"': '"', '/': '/', '\\': '\\',
};

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

type Mapping = Record<string, unknown>;

/**
 * Where each value of one read starts, so a problem found in the plain value (a warning) can be
 * placed without the library's Document. Filled by `readSimpleYaml(text, positions)`; the offsets
 * are those the library gives its nodes (`range[0]`), so `locate` gives the line and column that
 * load.ts's `Located.problem` gives from the Document.
 */
export class ValuePositions {
  /**
   * For each mapping and sequence the reader built: where each of its values starts, by key or
   * index. (A Map, not a WeakMap: it lives only as long as one load, and fills faster.)
   */
  readonly starts = new Map<object, Map<string, number> | number[]>();
  /** Where the root value starts. */
  root = 0;
  /** The text as read (CRLF as LF: lines and columns are the same as in the file). */
  source = '';
  private lineStarts: number[] | undefined;

  /**
   * Where the deepest value on `path` that exists in `value` (what the read returned) starts:
   * the whole path, else its longest prefix that exists, as `Located` finds nodes. A number
   * indexes a sequence; a mapping is looked up by the part as a string.
   */
  offsetOf(value: unknown, path: ReadonlyArray<string | number>): number {
    let offset = this.root;
    let current = value;
    for (const part of path) {
      const starts = typeof current === 'object' && current !== null ? this.starts.get(current) : undefined;
      if (starts === undefined) break;
      let at: number | undefined;
      if (Array.isArray(starts)) {
        if (typeof part !== 'number') break;
        at = starts[part];
        if (at !== undefined) current = (current as unknown[])[part];
      } else {
        at = starts.get(String(part));
        if (at !== undefined) current = (current as Mapping)[String(part)];
      }
      if (at === undefined) break;
      offset = at;
    }
    return offset;
  }

  /** 1-based line and column of an offset, counted as the library's LineCounter counts them. */
  linePos(offset: number): { line: number; col: number } {
    const starts = (this.lineStarts ??= lineStartsOf(this.source));
    let low = 0;
    let high = starts.length - 1;
    // The last line start at or before `offset`.
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, col: offset - (starts[low] as number) + 1 };
  }

  locate(value: unknown, path: ReadonlyArray<string | number>): { line: number; col: number } {
    return this.linePos(this.offsetOf(value, path));
  }
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', nl + 1)) starts.push(nl + 1);
  return starts;
}

class Reader {
  private pos = 0;
  /** Offset where the current line starts: columns are `pos - lineStart`. */
  private lineStart = 0;
  /** Indentation of the content line the reader stands on, or -1 at the end of the text. */
  private indent = -1;

  /** Where the value mappingValue just read starts (what `positions` notes for it). */
  private valueStart = 0;

  constructor(
    private readonly s: string,
    private readonly positions: ValuePositions | undefined,
  ) {}

  read(): unknown {
    this.skipDocumentStart();
    if (this.nextContentLine() < 0) throw NOT_SURE; // empty document: the slow path says so
    if (this.positions) this.positions.root = this.pos;
    const value = this.blockNode(-1, 1);
    if (this.indent !== -1) throw NOT_SURE;
    return value;
  }

  /** An optional `---` on the first content line, with nothing after it but a comment. */
  private skipDocumentStart(): void {
    const s = this.s;
    // Past blank and comment lines by hand: nextContentLine refuses `---`.
    let pos = 0;
    for (;;) {
      let end = s.indexOf('\n', pos);
      if (end < 0) end = s.length;
      let first = pos;
      while (s.charCodeAt(first) === SPACE) first++;
      if (first < end && s.charCodeAt(first) !== HASH) break;
      if (end === s.length) return;
      pos = end + 1;
    }
    if (!s.startsWith('---', pos)) return;
    this.pos = this.lineStart = pos + 3;
    const c = s.charCodeAt(this.pos);
    if (!(c === SPACE || c === NL || Number.isNaN(c))) throw NOT_SURE;
    this.endOfLine();
  }

  private at(offset = 0): number {
    return this.s.charCodeAt(this.pos + offset);
  }

  /** `-` followed by a space, a line end or the end: a block sequence entry. */
  private atDashEntry(): boolean {
    if (this.at() !== DASH) return false;
    const next = this.at(1);
    return next === SPACE || next === NL || Number.isNaN(next);
  }

  /**
   * From the start of a line: skips blank and comment lines, stops on the first content
   * character of the next content line and returns its indentation (-1 at the end).
   * Document markers and directives at column 0 end the subset.
   */
  private nextContentLine(): number {
    const s = this.s;
    const n = s.length;
    let pos = this.pos;
    while (pos < n) {
      const start = pos;
      while (s.charCodeAt(pos) === SPACE) pos++;
      const c = s.charCodeAt(pos);
      if (c === NL) {
        pos++;
        continue;
      }
      if (Number.isNaN(c)) break;
      if (c === HASH) {
        const end = s.indexOf('\n', pos);
        pos = end < 0 ? n : end + 1;
        continue;
      }
      if (pos === start && (c === 37 /* % */ || s.startsWith('---', pos) || s.startsWith('...', pos))) throw NOT_SURE;
      this.pos = pos;
      this.lineStart = start;
      return (this.indent = pos - start);
    }
    this.pos = n;
    this.lineStart = n;
    return (this.indent = -1);
  }

  /** After a value: spaces, then a comment (after at least one space) or the line end; then the next content line. */
  private endOfLine(): void {
    const s = this.s;
    const from = this.pos;
    while (s.charCodeAt(this.pos) === SPACE) this.pos++;
    const c = s.charCodeAt(this.pos);
    if (c === NL) this.pos++;
    else if (c === HASH && (this.pos > from || s.charCodeAt(this.pos - 1) === SPACE)) {
      const end = s.indexOf('\n', this.pos);
      this.pos = end < 0 ? s.length : end + 1;
    } else if (!Number.isNaN(c)) throw NOT_SURE;
    this.nextContentLine();
  }

  /**
   * The block node that starts at the current position (a line's first content character, or
   * the character after `- `). `parent` is the indentation of the collection it belongs to.
   * Returns on the next content line, with `indent` set.
   */
  private blockNode(parent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw NOT_SURE;
    const column = this.pos - this.lineStart;
    const c = this.at();
    if (this.atDashEntry()) return this.blockSequence(column, depth);
    if (c === BRACKET_OPEN || c === BRACE_OPEN) {
      const value = this.flowCollection(parent, depth);
      this.endOfLine();
      return value;
    }
    let key: string;
    if (c === QUOTE_DOUBLE || c === QUOTE_SINGLE) {
      const start = this.pos;
      key = this.quoted();
      const keyEnd = this.pos;
      while (this.at() === SPACE) this.pos++;
      if (!this.atMappingColon()) {
        this.pos = keyEnd;
        this.endOfLine();
        return key;
      }
      if (this.pos - start > MAX_KEY_CHARS) throw NOT_SURE;
    } else {
      const start = this.pos;
      const text = this.plainBlock();
      const textEnd = this.pos;
      while (this.at() === SPACE) this.pos++;
      if (!this.atMappingColon()) {
        this.pos = textEnd;
        this.endOfLine();
        return resolvePlain(text);
      }
      if (this.pos - start > MAX_KEY_CHARS) throw NOT_SURE;
      const resolved = resolvePlain(text);
      if (typeof resolved !== 'string') throw NOT_SURE;
      key = resolved;
    }
    return this.blockMapping(column, key, depth);
  }

  /** `:` followed by a space, a line end or the end of the text. */
  private atMappingColon(): boolean {
    if (this.at() !== COLON) return false;
    const next = this.at(1);
    return next === SPACE || next === NL || Number.isNaN(next);
  }

  /** A block mapping at column `indent` whose first key has been read; the position is on its `:`. */
  private blockMapping(indent: number, firstKey: string, depth: number): Mapping {
    const map: Mapping = {};
    const starts = this.positions ? this.startsOfMapping(map) : undefined;
    let key = firstKey;
    for (;;) {
      if (key === '__proto__' || key === '<<' || Object.prototype.hasOwnProperty.call(map, key)) throw NOT_SURE;
      this.pos++; // the ':'
      map[key] = this.mappingValue(indent, depth);
      starts?.set(key, this.valueStart);
      if (this.indent < indent) return map;
      if (this.indent > indent) throw NOT_SURE;
      key = this.blockKey();
    }
  }

  /** A key of a block mapping at the start of its line; leaves the position on its `:`. */
  private blockKey(): string {
    const c = this.at();
    const start = this.pos;
    let key: string;
    if (c === QUOTE_DOUBLE || c === QUOTE_SINGLE) {
      key = this.quoted();
      while (this.at() === SPACE) this.pos++;
    } else {
      const resolved = resolvePlain(this.plainBlock());
      if (typeof resolved !== 'string') throw NOT_SURE;
      key = resolved;
      while (this.at() === SPACE) this.pos++;
    }
    if (!this.atMappingColon() || this.pos - start > MAX_KEY_CHARS) throw NOT_SURE;
    return key;
  }

  private startsOfMapping(map: Mapping): Map<string, number> {
    const starts = new Map<string, number>();
    this.positions?.starts.set(map, starts);
    return starts;
  }

  private startsOfSequence(items: unknown[]): number[] {
    const starts: number[] = [];
    this.positions?.starts.set(items, starts);
    return starts;
  }

  /**
   * The value after `key:`: on the same line, or the block below it (more indented, or a sequence
   * at the key's column). Sets `valueStart` where the library starts the value's node: its first
   * character, or for an empty value (null) the place after the `:` and the spaces after it.
   */
  private mappingValue(indent: number, depth: number): unknown {
    while (this.at() === SPACE) this.pos++;
    const c = this.at();
    let start = this.pos;
    let value: unknown = null;
    if (c === NL || c === HASH || Number.isNaN(c)) {
      this.endOfLine();
      if (this.indent > indent) {
        start = this.pos;
        value = this.blockNode(indent, depth + 1);
      } else if (this.indent === indent && this.atDashEntry()) {
        start = this.pos;
        value = this.blockSequence(indent, depth + 1);
      }
    } else value = this.inlineScalarOrFlow(indent, depth + 1);
    this.valueStart = start;
    return value;
  }

  /** A value on the rest of a line that is not a block collection: a flow collection or a scalar. */
  private inlineScalarOrFlow(parent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw NOT_SURE;
    const c = this.at();
    let value: unknown;
    if (c === BRACKET_OPEN || c === BRACE_OPEN) value = this.flowCollection(parent, depth);
    else if (c === QUOTE_DOUBLE || c === QUOTE_SINGLE) value = this.quoted();
    else {
      value = resolvePlain(this.plainBlock());
      if (this.at() === COLON) throw NOT_SURE; // `a: b: c`, `a: b:`
    }
    this.endOfLine();
    return value;
  }

  /** A block sequence at column `indent`; the position is on its first `-`. */
  private blockSequence(indent: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH) throw NOT_SURE;
    const items: unknown[] = [];
    const starts = this.positions ? this.startsOfSequence(items) : undefined;
    for (;;) {
      this.pos++; // the '-'
      while (this.at() === SPACE) this.pos++;
      const c = this.at();
      // As after a mapping's `:`, an empty item starts after the `-` and its spaces.
      let start = this.pos;
      if (c === NL || c === HASH || Number.isNaN(c)) {
        this.endOfLine();
        if (this.indent > indent) {
          start = this.pos;
          items.push(this.blockNode(indent, depth + 1));
        } else items.push(null);
      } else {
        items.push(this.blockNode(indent, depth + 1));
      }
      starts?.push(start);
      if (this.indent === indent && this.atDashEntry()) continue;
      if (this.indent <= indent) return items;
      throw NOT_SURE;
    }
  }

  /**
   * A plain scalar in block context, up to `: `, ` #` or the line end; trailing spaces are not
   * part of it. Leaves the position after its last character. The first character must not be
   * an indicator (a `-` followed by a non-blank is fine: `-1`, `-x`).
   */
  private plainBlock(): string {
    const s = this.s;
    const start = this.pos;
    this.plainStart(false);
    let end = start;
    let i = start;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === NL) break;
      if (c === SPACE) {
        if (s.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      if (c === COLON) {
        const next = s.charCodeAt(i + 1);
        if (next === SPACE || next === NL || Number.isNaN(next)) break;
      }
      end = i + 1;
    }
    this.pos = end;
    return s.slice(start, end);
  }

  /**
   * A plain scalar may start here: not at a line end or a blank, and not on an indicator, but for
   * a `-` followed by a non-blank (`-1`, `-x`; in a flow collection, not by a flow indicator).
   */
  private plainStart(flow: boolean): void {
    const first = this.s.charCodeAt(this.pos);
    if (Number.isNaN(first) || first === NL || first === SPACE) throw NOT_SURE;
    if (!isIndicator(first)) return;
    const next = this.s.charCodeAt(this.pos + 1);
    if (first !== DASH || next === SPACE || next === NL || Number.isNaN(next) || (flow && isFlowIndicator(next))) throw NOT_SURE;
  }

  /** A plain scalar inside a flow collection: also ends at `,[]{}` and at `:` before one of them. */
  private plainFlow(): string {
    const s = this.s;
    const start = this.pos;
    this.plainStart(true);
    let end = start;
    for (let i = start; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === NL || isFlowIndicator(c)) break;
      if (c === SPACE) {
        if (s.charCodeAt(i + 1) === HASH) break;
        continue;
      }
      if (c === COLON) {
        const next = s.charCodeAt(i + 1);
        if (next === SPACE || next === NL || Number.isNaN(next) || isFlowIndicator(next)) break;
      }
      end = i + 1;
    }
    this.pos = end;
    return s.slice(start, end);
  }

  /** A single- or double-quoted scalar that closes on its own line; leaves the position after the quote. */
  private quoted(): string {
    const s = this.s;
    const quote = s.charCodeAt(this.pos);
    let i = this.pos + 1;
    let out = '';
    let from = i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (Number.isNaN(c) || c === NL) throw NOT_SURE; // unclosed or multi-line
      if (c === quote) {
        if (quote === QUOTE_SINGLE && s.charCodeAt(i + 1) === QUOTE_SINGLE) {
          out += s.slice(from, i + 1);
          i += 2;
          from = i;
          continue;
        }
        out += s.slice(from, i);
        this.pos = i + 1;
        return out;
      }
      if (c === BACKSLASH && quote === QUOTE_DOUBLE) {
        out += s.slice(from, i);
        const e = s[i + 1] as string | undefined;
        if (e === undefined) throw NOT_SURE;
        const simple = ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          i += 2;
        } else {
          const length = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
          if (length === 0) throw NOT_SURE;
          for (let k = 0; k < length; k++) if (!isHexDigit(s.charCodeAt(i + 2 + k))) throw NOT_SURE;
          const code = parseInt(s.substr(i + 2, length), 16);
          if (code > 0x10ffff) throw NOT_SURE;
          out += String.fromCodePoint(code);
          i += 2 + length;
        }
        from = i;
        continue;
      }
      i++;
    }
  }

  /**
   * Spaces, line ends and comments inside a flow collection. A line it moves onto must be
   * indented past `parent` (the block collection around the flow collection).
   */
  private flowSpace(parent: number): void {
    const s = this.s;
    let afterSpace = this.pos === this.lineStart || s.charCodeAt(this.pos - 1) === SPACE;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === SPACE) {
        this.pos++;
        afterSpace = true;
      } else if (c === NL) {
        this.pos++;
        this.lineStart = this.pos;
        while (s.charCodeAt(this.pos) === SPACE) this.pos++;
        const first = s.charCodeAt(this.pos);
        if (first !== NL && !Number.isNaN(first)) {
          if (this.pos - this.lineStart <= parent) throw NOT_SURE;
          if (this.pos === this.lineStart && (first === 37 || s.startsWith('---', this.pos) || s.startsWith('...', this.pos))) throw NOT_SURE;
        }
        afterSpace = true;
      } else if (c === HASH && afterSpace) {
        const end = s.indexOf('\n', this.pos);
        this.pos = end < 0 ? s.length : end;
      } else return;
    }
  }

  private flowCollection(parent: number, depth: number): unknown {
    if (depth > MAX_DEPTH) throw NOT_SURE;
    return this.at() === BRACKET_OPEN ? this.flowSequence(parent, depth) : this.flowMapping(parent, depth);
  }

  private flowSequence(parent: number, depth: number): unknown[] {
    const items: unknown[] = [];
    const starts = this.positions ? this.startsOfSequence(items) : undefined;
    this.pos++; // '['
    this.flowSpace(parent);
    if (this.at() === BRACKET_CLOSE) {
      this.pos++;
      return items;
    }
    for (;;) {
      starts?.push(this.pos);
      items.push(this.flowNode(parent, depth + 1));
      // Anything else after an item includes `[a: b]`, a pair inside a sequence.
      if (this.flowItemEnd(parent, BRACKET_CLOSE)) return items;
    }
  }

  /**
   * After an item of a flow collection: a `,` (a trailing one before `close` too) or `close`
   * itself, anything else is not sure. True when the collection ended.
   */
  private flowItemEnd(parent: number, close: number): boolean {
    this.flowSpace(parent);
    const c = this.at();
    if (c === COMMA) {
      this.pos++;
      this.flowSpace(parent);
      if (this.at() !== close) return false;
    } else if (c !== close) throw NOT_SURE;
    this.pos++;
    return true;
  }

  private flowMapping(parent: number, depth: number): Mapping {
    const map: Mapping = {};
    const starts = this.positions ? this.startsOfMapping(map) : undefined;
    this.pos++; // '{'
    this.flowSpace(parent);
    if (this.at() === BRACE_CLOSE) {
      this.pos++;
      return map;
    }
    for (;;) {
      const start = this.pos;
      const c = this.at();
      let key: string;
      let jsonKey = false;
      if (c === QUOTE_DOUBLE || c === QUOTE_SINGLE) {
        key = this.quoted();
        jsonKey = true;
      } else {
        const resolved = resolvePlain(this.plainFlow());
        if (typeof resolved !== 'string') throw NOT_SURE;
        key = resolved;
      }
      while (this.at() === SPACE) this.pos++;
      if (this.at() !== COLON || this.pos - start > MAX_KEY_CHARS) throw NOT_SURE;
      this.pos++;
      const next = this.at();
      // A plain key's `:` needs a space after it; a quoted ("JSON-like") key's may touch the value.
      if (next !== SPACE && !(jsonKey && next !== NL && !Number.isNaN(next))) throw NOT_SURE;
      while (this.at() === SPACE) this.pos++;
      if (key === '__proto__' || key === '<<' || Object.prototype.hasOwnProperty.call(map, key)) throw NOT_SURE;
      starts?.set(key, this.pos);
      map[key] = this.flowNode(parent, depth + 1); // a missing value (`{a: }`) fails there
      if (this.flowItemEnd(parent, BRACE_CLOSE)) return map;
    }
  }

  private flowNode(parent: number, depth: number): unknown {
    const c = this.at();
    if (c === BRACKET_OPEN || c === BRACE_OPEN) return this.flowCollection(parent, depth);
    if (c === QUOTE_DOUBLE || c === QUOTE_SINGLE) return this.quoted();
    return resolvePlain(this.plainFlow());
  }
}

/**
 * The plain value of a spec written in the subset described above, exactly as the `yaml`
 * library's `toJS()` gives it under the YAML 1.2 core schema; `undefined` when not sure.
 * With `positions`, also notes where each value starts (a little slower: only when needed).
 */
export function readSimpleYaml(text: string, positions?: ValuePositions): unknown {
  if (hasRefusedCharacter(text)) return undefined;
  const source = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  if (positions) positions.source = source;
  try {
    return new Reader(source, positions).read();
  } catch {
    // NOT_SURE, or anything unforeseen: the positioned path reads the spec and reports its problems.
    return undefined;
  }
}
