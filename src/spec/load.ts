/**
 * Reads a spec file into a validated model, or into a list of `file:line:col: path: message`
 * problems; never both, and never an exception for bad input.
 */
import { basename } from 'node:path';
import { isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { Diagnostics, formatPath, type Diagnostic, type SpecPath } from '../model/diagnostics.js';
import type { Model } from '../model/model.js';
import { SpecSchema } from './schema.js';
import { resolveModel } from './resolve.js';
import { describeIssue } from './messages.js';
import { findPlaceholders, placeholderMessage } from './placeholders.js';

/**
 * Larger specs are refused before parsing. A hand-written spec is a few kilobytes; generated
 * ones reach 40,000 bindings (about 5 MB in block style), which the scale benchmark renders. The
 * size is checked before the spec is read, so a larger input is refused at once.
 */
export const MAX_SPEC_BYTES = 8 * 1024 * 1024;
/** Bounds alias expansion ("billion laughs"); a spec has no reason to alias much. */
const MAX_ALIAS_COUNT = 100;
/** A real spec nests about six levels; deeper input is hostile or broken, and recursion has limits. */
export const MAX_SPEC_DEPTH = 64;
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

class Located {
  constructor(
    readonly file: string,
    readonly lineCounter: LineCounter,
    readonly doc: Document.Parsed | undefined,
  ) {}

  /** The scalar at `path` as written in the file (`1e3`, `0755`), before YAML resolved it. */
  sourceAt(path: SpecPath): string | undefined {
    const node = this.doc?.getIn(path as (string | number)[], true);
    return isScalar(node) && typeof node.source === 'string' ? node.source : undefined;
  }

  /** Deepest node on `path` that exists; a missing key points at its parent map. */
  private nodeAt(path: SpecPath, pointAtKey: boolean): Node | undefined {
    const doc = this.doc;
    if (!doc) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const prefix = path.slice(0, n);
      if (pointAtKey && n === path.length && n > 0) {
        const parent = prefix.length > 1 ? doc.getIn(prefix.slice(0, -1), true) : doc.contents;
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(prefix[prefix.length - 1]));
          if (pair && isScalar(pair.key)) return pair.key;
        }
      }
      const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix as (string | number)[], true);
      if (node && typeof node === 'object' && 'range' in node && (node as Node).range) return node as Node;
    }
    return (doc.contents as Node | null) ?? undefined;
  }

  problem(d: Diagnostic, options: { pointAtKey?: boolean } = {}): Problem {
    const node = this.nodeAt(d.path, options.pointAtKey ?? false);
    const offset = node?.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col, path: d.path.length ? formatPath(d.path) : '', message: d.message, severity: d.severity };
  }

  at(offset: number, message: string): Problem {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col, path: '', message, severity: 'error' };
  }
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

export interface LoadOptions {
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

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    version: '1.2', // YAML 1.2 core schema: `yes`, `on` and `0755` are not booleans or octals
    uniqueKeys: true,
    prettyErrors: false,
    // The library would print some problems (collection keys) as process warnings: we report them.
    logLevel: 'silent',
  });
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
    if (error.code === 'DUPLICATE_KEY') {
      const key = /^("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^:,{}[\]\n]+)/.exec(text.slice(error.pos[0]))?.[1]?.trim();
      problems.push(located.at(error.pos[0], `duplicate key${key ? ` ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}` : ''}: keys must be unique (many YAML tools silently keep the last one)`));
      continue;
    }
    problems.push(located.at(error.pos[0], error.message.split('\n')[0] as string));
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

  const placeholders = findPlaceholders(doc.contents as Node | null, text).map((hit) => ({
    ...located.at(hit.offset, placeholderMessage(hit.tokens)),
    path: formatPath(hit.path),
  }));
  // jitless: zod's generated fast path costs more to build than it saves on one spec.
  const parsed = SpecSchema.safeParse(raw, { jitless: true });
  if (!parsed.success || placeholders.length > 0) {
    // A placeholder usually also fails its field's own check: report it once, as a placeholder.
    const filled = new Set(placeholders.map((p) => p.path));
    const issues = parsed.success ? [] : issuesToProblems(parsed.error.issues, located, raw).filter((p) => !filled.has(p.path));
    return { ok: false, problems: [...placeholders, ...issues].sort((a, b) => a.line - b.line || a.col - b.col) };
  }
  const diagnostics = new Diagnostics();
  // The name reaches comments in scripts and HCL: a newline in it would end the comment.
  const model = resolveModel(parsed.data, { specName: basename(file).replace(UNPRINTABLE, '?'), diagnostics });
  const warnings = diagnostics.warnings.map((d) => located.problem(d));
  if (diagnostics.hasErrors || !model) {
    return { ok: false, problems: [...diagnostics.errors.map((d) => located.problem(d)), ...warnings] };
  }
  return { ok: true, model, warnings };
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
    for (const item of node.items) {
      if (isPair(item)) {
        if (item.key !== null && !isScalar(item.key)) {
          problems.push(located.at((item.key as Node).range?.[0] ?? offset, 'a mapping key must be a plain value, not a list or mapping'));
          continue;
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
