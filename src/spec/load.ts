/**
 * Reads a spec file into a validated model, or into a list of `file:line:col: path: message`
 * problems; never both, and never an exception for bad input.
 */
import { basename } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import type { z } from 'zod';
import { Diagnostics, formatPath, type Diagnostic, type SpecPath } from '../model/diagnostics.js';
import type { Model } from '../model/model.js';
import { specSchemaFor } from './schema.js';
import { resolveModel } from './resolve.js';
import { describeIssue } from './messages.js';
import { findPlaceholders, holdsPlaceholder, placeholderMessage } from './placeholders.js';
import { findSecretValues, holdsSecretShape } from './secret-values.js';
import { readSimpleYaml, ValuePositions } from './fast-yaml.js';
import { isControlOrSeparator } from '../format/tree.js';

/**
 * Larger specs are refused before parsing. A hand-written spec is a few kilobytes; generated
 * ones reach 40,000 bindings (about 5 MB in block style), which the scale benchmark renders. The
 * size is checked before the spec is read, so a larger input is refused at once.
 */
export const MAX_SPEC_BYTES = 8 * 1024 * 1024;
/** Bounds alias expansion ("billion laughs"); a spec has no reason to alias much. */
const MAX_ALIAS_COUNT = 100;
/** A real spec nests about six levels; deeper input is hostile or broken, and recursion has limits. */
const MAX_SPEC_DEPTH = 64;
/** Tags the YAML 1.2 core schema resolves to JSON values; `!!binary`, `!!set`, `!foo` and co. are not spec data. */
const CORE_TAGS = new Set(['tag:yaml.org,2002:str', 'tag:yaml.org,2002:int', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:bool', 'tag:yaml.org,2002:null', 'tag:yaml.org,2002:map', 'tag:yaml.org,2002:seq']);

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/**
 * Control, line-separator and bidi characters come from the spec (unknown keys, file names):
 * escaped, so one problem stays one line and cannot rewrite the terminal.
 */
const UNPRINTABLE = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** Whether UNPRINTABLE would find anything: a spec's file name rarely holds one, and the loop compiles no expression. */
function hasUnprintable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isControlOrSeparator(c) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
  }
  return false;
}

/** The spec's name in the model (and every generated header): its file name, unprintable characters as '?'. */
function specNameOf(file: string): string {
  const name = basename(file);
  return hasUnprintable(name) ? name.replace(UNPRINTABLE, '?') : name;
}

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (ch) => {
    if (ch === '\n') return '\\n';
    if (ch === '\t') return '\\t';
    if (ch === '\r') return '\\r';
    return `\\u${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}`;
  });
}

export function formatProblem(p: Problem): string {
  return printable(`${p.file}:${p.line}:${p.col}: ${p.path === '' ? '' : `${p.path}: `}${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
}

/** The problem for a spec over the size limit; `size` is undefined when only "more than" is known (a pipe). */
export function tooLarge(file: string, size?: number): Problem {
  const what = size === undefined ? `more than ${MAX_SPEC_BYTES} bytes` : `${size} bytes`;
  return { file, line: 1, col: 1, path: '', message: `spec is ${what}; the limit is ${MAX_SPEC_BYTES} (${MAX_SPEC_BYTES / (1024 * 1024)} MiB)`, severity: 'error' };
}

export type LoadResult =
  | { readonly ok: true; readonly model: Model; readonly warnings: readonly Problem[] }
  | { readonly ok: false; readonly problems: readonly Problem[] };

/**
 * Finds nodes by spec path in time linear in the path: the library's `getIn` scans a mapping's
 * pairs for every lookup, which made one problem per key (80k unknown keys) quadratic.
 */
class NodeIndex {
  private readonly byKey = new WeakMap<YAMLMap, Map<string, Pair>>();

  constructor(private readonly root: unknown) {}

  /** The pair for `key` in a mapping; the first one when a key repeats (duplicates are refused anyway). */
  pair(map: YAMLMap, key: string | number): Pair | undefined {
    let index = this.byKey.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items) {
        if (isPair(item) && isScalar(item.key)) {
          const k = String(item.key.value);
          if (!index.has(k)) index.set(k, item);
        }
      }
      this.byKey.set(map, index);
    }
    return index.get(String(key));
  }

  /** The node at `path`, or undefined where the path leaves the document. */
  node(path: SpecPath): unknown {
    let cur: unknown = this.root;
    for (const part of path) {
      if (isMap(cur)) cur = this.pair(cur, part as string | number)?.value;
      else if (isSeq(cur) && typeof part === 'number') cur = cur.items[part];
      else return undefined;
      if (cur === undefined || cur === null) return undefined;
    }
    return cur;
  }
}

class Located {
  private readonly index: NodeIndex;

  constructor(
    readonly file: string,
    readonly lineCounter: LineCounter,
    readonly doc: Document.Parsed | undefined,
  ) {
    this.index = new NodeIndex(doc?.contents);
  }

  /** The scalar at `path` as written in the file (`1e3`, `0755`), before YAML resolved it. */
  sourceAt(path: SpecPath): string | undefined {
    const node = this.index.node(path);
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  }

  /** Deepest node on `path` that exists; a missing key points at its parent map. */
  private nodeAt(path: SpecPath, pointAtKey: boolean): Node | undefined {
    const doc = this.doc;
    if (!doc) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      if (pointAtKey && n === path.length && n > 0) {
        const parent = this.index.node(prefix.slice(0, -1));
        if (isMap(parent)) {
          const pair = this.index.pair(parent, prefix[prefix.length - 1] as string | number);
          if (pair && isScalar(pair.key)) return pair.key;
        }
      }
      const node = this.index.node(prefix);
      if (node && typeof node === 'object' && 'range' in node && (node as Node).range) return node as Node;
    }
    return (doc.contents as Node | null) ?? undefined;
  }

  problem(d: Diagnostic, options: { pointAtKey?: boolean } = {}): Problem {
    const node = this.nodeAt(d.path, options.pointAtKey ?? false);
    const offset = node?.range?.[0] ?? 0;
    return problemAt(this.file, this.lineCounter.linePos(offset), d);
  }

  at(offset: number, message: string): Problem {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col, path: '', message, severity: 'error' };
  }
}

function problemAt(file: string, { line, col }: { line: number; col: number }, d: Diagnostic): Problem {
  return { file, line, col, path: d.path.length ? formatPath(d.path) : '', message: d.message, severity: d.severity };
}

/** Decodes bytes strictly: a spec is UTF-8 text, optionally with a BOM. */
function decode(bytes: Uint8Array): string | undefined {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return undefined;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

interface LoadOptions {
  /** Name used in messages and "generated from" headers; its base name only reaches output. */
  readonly file: string;
}

export function loadSpec(bytes: Uint8Array | string, options: LoadOptions): LoadResult {
  const file = options.file;
  const fail = (message: string, line = 1, col = 1): LoadResult => ({
    ok: false,
    problems: [{ file, line, col, path: '', message, severity: 'error' }],
  });
  const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.byteLength;
  if (size > MAX_SPEC_BYTES) return { ok: false, problems: [tooLarge(file, size)] };
  const text = typeof bytes === 'string' ? bytes : decode(bytes);
  if (text === undefined) {
    const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
    return fail(utf16 ? 'spec is UTF-16 text; save it as UTF-8' : 'spec is not valid UTF-8 text');
  }
  if (text.trim() === '') return fail('spec is empty');

  const fast = fastPath.enabled ? loadWithoutPositions(text, file) : undefined;
  fastPath.lastUsed = fast !== undefined;
  if (fast) return fast;

  const lineCounter = new LineCounter();
  const docs = parseDocuments(text, lineCounter);
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0) return fail('spec holds no YAML document');
  const doc = list[0] as Document.Parsed;
  const located = new Located(file, lineCounter, doc);
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    // The parser recurses per nesting level and reports running out of stack as a YAML error.
    if (error instanceof RangeError || /call stack/i.test(error.message)) {
      // Where the stack ran out depends on the stack, not the spec: point at a stable place instead.
      problems.push(located.at(tooDeepOffset(text), `spec nests too deeply to read; a spec nests fewer than ${MAX_SPEC_DEPTH} levels`));
      break;
    }
    problems.push(located.at(error.pos[0], error.message.split('\n')[0] as string));
  }
  // `%YAML 1.1` would switch this document to YAML 1.1 (`yes` a boolean, `0755` octal): specs are 1.2.
  if (doc.directives?.yaml.explicit && doc.directives.yaml.version !== '1.2') {
    const at = /^%YAML\b/m.exec(text)?.index ?? 0;
    problems.push(located.at(at, `%YAML ${doc.directives.yaml.version} is not allowed: a spec is YAML 1.2 (remove the directive)`));
  }
  if (problems.length === 0) problems.push(...shapeProblems(doc, located));
  if (list.length > 1) {
    const second = list[1] as Document.Parsed;
    problems.push(located.at(second.range[0], `a spec is one YAML document; found ${list.length} (remove the extra '---' documents)`));
  }
  if (problems.length > 0) return { ok: false, problems };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { ok: false, problems: [located.at(0, `cannot read spec: ${(error as Error).message}`)] };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail('spec must be a YAML mapping with apiVersion, kind, cluster and identities');
  }

  const secrets = findSecretValues(raw);
  const secretErrors = secrets.filter((h) => h.severity === 'error');

  const placeholders = findPlaceholders(doc.contents as Node | null, text).map((hit) => ({
    ...located.at(hit.offset, placeholderMessage(hit.tokens)),
    path: formatPath(hit.path),
  }));
  // jitless: zod's generated fast path costs more to build than it saves on one spec.
  const parsed = specSchemaFor(raw).safeParse(raw, { jitless: true });
  if (!parsed.success || placeholders.length > 0 || secretErrors.length > 0) {
    // A placeholder usually also fails its field's own check: report it once, as a placeholder.
    const filled = new Set(placeholders.map((p) => p.path));
    // A credential is never repeated: a schema message that would quote one is dropped.
    const quotesSecret = (message: string) => secretErrors.some((h) => message.includes(h.value));
    const issues = parsed.success ? [] : issuesToProblems(parsed.error.issues, located, raw).filter((p) => !filled.has(p.path) && !quotesSecret(p.message));
    // One problem per place: an unknown key `clientSecret` already says "never hold secrets".
    const reported = new Set(issues.map((p) => p.path));
    const secretProblems = secretErrors.filter((h) => !reported.has(formatPath(h.path))).map((h) => located.problem(h));
    return { ok: false, problems: [...placeholders, ...issues, ...secretProblems].sort((a, b) => a.line - b.line || a.col - b.col) };
  }
  const diagnostics = new Diagnostics();
  for (const h of secrets) diagnostics.warn(h.path, h.message);
  // The name reaches comments in scripts and HCL: a newline in it would end the comment.
  const model = resolveModel(parsed.data, { specName: specNameOf(file), diagnostics });
  const warnings = diagnostics.warnings.map((d) => located.problem(d));
  if (diagnostics.hasErrors || !model) {
    return { ok: false, problems: [...diagnostics.errors.map((d) => located.problem(d)), ...warnings] };
  }
  return { ok: true, model, warnings };
}

/**
 * For tests only: `enabled: false` forces every load through the positioned path, `lastUsed`
 * says whether the last `loadSpec` call returned from the fast one, and `documentParses` counts
 * the library's parses (the fast path has none, warnings or not).
 */
export const fastPath = { enabled: true, lastUsed: false, documentParses: 0 };

/** The spec's YAML documents with their syntax trees, for positions. */
function parseDocuments(text: string, lineCounter: LineCounter) {
  fastPath.documentParses++;
  return parseAllDocuments(text, {
    lineCounter,
    version: '1.2', // YAML 1.2 core schema: `yes`, `on` and `0755` are not booleans or octals
    // The library checks each key against every earlier one (quadratic in keys): shapeProblems
    // finds duplicates with one set per mapping instead.
    uniqueKeys: false,
    prettyErrors: false,
    // The library would print some problems (collection keys) as process warnings: we report them.
    logLevel: 'silent',
  });
}

/**
 * The fast path for a spec without a single error: read by the small reader (no syntax tree,
 * no Document), checked and resolved. A spec whose resolution only warns is read again by the
 * reader, noting where values start, to place the warnings where the Document would. Anything
 * else (the reader unsure, a secret-shaped value, a placeholder, a schema issue, any error of
 * resolution) returns undefined, and the caller loads the spec the positioned way, which
 * reports exactly what it always did.
 */
function loadWithoutPositions(text: string, file: string): LoadResult | undefined {
  const raw = readSimpleYaml(text);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  if (holdsSecretShape(raw) || holdsPlaceholder(raw)) return undefined;
  const parsed = specSchemaFor(raw).safeParse(raw, { jitless: true });
  if (!parsed.success) return undefined;
  const diagnostics = new Diagnostics();
  const model = resolveModel(parsed.data, { specName: specNameOf(file), diagnostics });
  if (!model || diagnostics.hasErrors) return undefined;
  if (diagnostics.warnings.length === 0) return { ok: true, model, warnings: [] };
  // Warnings need lines and columns. Noting them on every read would slow the common case (no
  // warnings); reading again costs a fraction of the library's parse. (The value is equal to
  // `raw`, but `positions` knows the objects of this read.)
  const positions = new ValuePositions();
  const value = readSimpleYaml(text, positions);
  if (value === undefined) return undefined;
  return { ok: true, model, warnings: diagnostics.warnings.map((d) => problemAt(file, positions.locate(value, d.path), d)) };
}

function issuesToProblems(issues: readonly z.core.$ZodIssue[], located: Located, raw: unknown): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    for (const d of describeIssue(issue, raw, (path) => located.sourceAt(path))) {
      out.push(located.problem({ severity: 'error', path: d.path, message: d.message }, { pointAtKey: d.pointAtKey }));
    }
  }
  // Stable, readable order: by position in the file.
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}


/**
 * What the YAML parser accepts but a spec is not: nesting past MAX_SPEC_DEPTH, keys that are
 * collections (JavaScript would stringify them), and tags beyond the core schema (`!!binary`
 * yields a Buffer, `!!set` a Set, `!foo` an unresolved string). Iterative, so depth cannot
 * exhaust the stack here.
 */
function shapeProblems(doc: Document.Parsed, located: Located): Problem[] {
  const problems: Problem[] = [];
  const stack: { node: unknown; depth: number }[] = [{ node: doc.contents, depth: 1 }];
  while (stack.length > 0 && problems.length < 20) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number };
    if (!node || isAlias(node)) continue;
    const offset = (node as Node).range?.[0] ?? 0;
    const tag = (node as Node).tag;
    if (tag !== undefined && !CORE_TAGS.has(tag)) {
      problems.push(located.at(offset, `YAML tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not allowed in a spec; write a plain value (quote it to keep it a string)`));
      continue;
    }
    if (!isCollection(node)) continue;
    if (depth > MAX_SPEC_DEPTH) {
      problems.push(located.at(offset, `spec nests more than ${MAX_SPEC_DEPTH} levels deep`));
      return problems;
    }
    const keys = isMap(node) ? new Set<string>() : undefined;
    for (const item of node.items) {
      if (isPair(item)) {
        if (item.key !== null && !isScalar(item.key)) {
          problems.push(located.at((item.key as Node).range?.[0] ?? offset, 'a mapping key must be a plain value, not a list or mapping'));
          continue;
        }
        if (keys) {
          // Same identity as YAML's own check: the resolved value (so `1` and "1" differ, `a` and "a" do not).
          const value = isScalar(item.key) ? item.key.value : null;
          const id = `${value === null ? 'null' : typeof value}:${String(value)}`;
          if (keys.has(id)) {
            const keyNode = item.key as Node | null;
            const written = isScalar(keyNode) && typeof keyNode.source === 'string' ? keyNode.source : String(value);
            problems.push(located.at(keyNode?.range?.[0] ?? offset, `duplicate key ${JSON.stringify(written)}: keys must be unique (many YAML tools silently keep the last one)`));
            continue;
          }
          keys.add(id);
        }
        stack.push({ node: item.key, depth: depth + 1 }, { node: item.value, depth: depth + 1 });
      } else stack.push({ node: item, depth: depth + 1 });
    }
  }
  return problems.sort((a, b) => a.line - b.line || a.col - b.col);
}

/** Offset of the flow bracket that opens level MAX_SPEC_DEPTH + 1 (quotes and comments skipped); 0 if none. */
function tooDeepOffset(text: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) while (i < text.length && text[i] !== '\n') i++;
    else if (ch === '[' || ch === '{') {
      if (++depth > MAX_SPEC_DEPTH) return i;
    } else if (ch === ']' || ch === '}') depth--;
  }
  return 0;
}
