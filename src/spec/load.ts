/**
 * Reads a spec file into a validated model, or into a list of `file:line:col: path: message`
 * problems; never both, and never an exception for bad input.
 */
import { basename } from 'node:path';
import { isMap, isPair, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { Diagnostics, formatPath, type Diagnostic, type SpecPath } from '../model/diagnostics.js';
import type { Model } from '../model/model.js';
import { SpecSchema } from './schema.js';
import { resolveModel } from './resolve.js';
import { describeIssue } from './messages.js';
import { findPlaceholders, placeholderMessage } from './placeholders.js';

/** Larger specs are refused before parsing: a real spec is a few kilobytes. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Bounds alias expansion ("billion laughs"); a spec has no reason to alias much. */
const MAX_ALIAS_COUNT = 100;

export interface Problem {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly path: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

export function formatProblem(p: Problem): string {
  return `${p.file}:${p.line}:${p.col}: ${p.path === '' ? '' : `${p.path}: `}${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
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
  if (size > MAX_SPEC_BYTES) return fail(`spec is ${size} bytes; the limit is ${MAX_SPEC_BYTES} (1 MiB)`);
  const text = typeof bytes === 'string' ? bytes : decode(bytes);
  if (text === undefined) return fail('spec is not valid UTF-8 text');
  if (text.trim() === '') return fail('spec is empty');

  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    version: '1.2', // YAML 1.2 core schema: `yes`, `on` and `0755` are not booleans or octals
    uniqueKeys: true,
    prettyErrors: false,
  });
  const list = Array.isArray(docs) ? docs : [];
  if (list.length === 0) return fail('spec holds no YAML document');
  const doc = list[0] as Document.Parsed;
  const located = new Located(file, lineCounter, doc);
  const problems: Problem[] = [];
  for (const error of doc.errors) problems.push(located.at(error.pos[0], error.message.split('\n')[0] as string));
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
  const model = resolveModel(parsed.data, { specName: basename(file), diagnostics });
  const warnings = diagnostics.warnings.map((d) => located.problem(d));
  if (diagnostics.hasErrors || !model) {
    return { ok: false, problems: [...diagnostics.errors.map((d) => located.problem(d)), ...warnings] };
  }
  return { ok: true, model, warnings };
}

function issuesToProblems(issues: readonly z.core.$ZodIssue[], located: Located, raw: unknown): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) {
    for (const d of describeIssue(issue, raw)) {
      out.push(located.problem({ severity: 'error', path: d.path, message: d.message }, { pointAtKey: d.pointAtKey }));
    }
  }
  // Stable, readable order: by position in the file.
  return out.sort((a, b) => a.line - b.line || a.col - b.col);
}

