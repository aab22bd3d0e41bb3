// Checks generated Terraform against the provider schemas in test/upstream/terraform-providers/ (google 6.50,
// azurerm 4.73, azuread 3.7, aws 6.66 and 5.100, vault 5.6 patched to 5.11, kubernetes 2.38), without terraform
// and without downloading providers.
//
//   checkTerraform([{ path, content }, ...])   one module (the .tf files of one directory)
//     -> { problems: ['file:line:col: address: message', ...], notes: [...], blocks: { topLevel, nested } }
//
// It reads the HCL subset wi-gen writes (src/format/hcl.ts: blocks, attributes, literals, lists, objects, function
// calls, operators, traversals, `${...}` templates; no heredocs or for-expressions, which are refused as parse
// errors) and checks:
//   - top-level blocks: their kind and label count (terraform, provider, resource, data, variable, locals, output,
//     import, moved, removed, module, check), duplicate addresses;
//   - resource / data source / provider blocks: a known type of a provider named in required_providers; each
//     argument or nested block known, attributes written as attributes and blocks as blocks, no computed-only
//     argument set, every required argument or block present, block counts within max_items / single nesting,
//     literal values of the right shape (a list for a list, no list for a string, ...); meta-arguments and
//     lifecycle blocks by Terraform's own rules;
//   - references (`data.T.N.attr[0].sub`, `T.N.attr`, `self.attr`, `var.x`, `local.x`): the object is declared,
//     each step names an attribute of its schema, `[n]` only on a list (a set has no index), no step past a
//     string; `depends_on`, `ignore_changes`, `provider =` and import `to` by their own rules;
//   - import blocks: `to` a managed resource declared in the module (not a data source), one import per address,
//     a literal `id` in the import ID format the target type's provider documents (IMPORT_ID_FORMATS), naming the
//     object the target's own literal arguments name, and a required_version that excludes Terraform < 1.5.
// aws blocks are checked against both aws schemas (6.66.0, and 5.100.0 for the families it covers).
// Notes (not problems): a schema version outside a module's required_providers range, a deprecated argument.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

// ------------------------------------------------------------------------------------------------ schemas

export interface TfArgument {
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  type?: string;
  block?: boolean;
  nesting?: 'list' | 'set' | 'single' | 'map';
  max_items?: number;
  min_items?: number;
  deprecated?: boolean;
  write_only?: boolean;
  recursive?: string;
  arguments?: Record<string, TfArgument>;
}
type Arguments = Record<string, TfArgument>;
interface TfTypeSchema {
  arguments: Arguments;
}
export interface ProviderSchema {
  provider: string;
  version: string;
  patched?: { version: string; types: string[] };
  restricted_to?: { families: string[] };
  provider_config: { required_unknown?: boolean; arguments: Arguments };
  resources: Record<string, TfTypeSchema>;
  data_sources: Record<string, TfTypeSchema>;
}

const schemaDir = fileURLToPath(new URL('../upstream/terraform-providers/', import.meta.url));
/** Provider local name → the schema files checked for it (first is the main one). */
const SCHEMA_FILES: Record<string, string[]> = {
  google: ['google.json'],
  azurerm: ['azurerm.json'],
  azuread: ['azuread.json'],
  aws: ['aws.json', 'aws-5.100.0.json'],
  vault: ['vault.json'],
  kubernetes: ['kubernetes.json'],
};
const schemaCache = new Map<string, ProviderSchema[]>();
export function providerSchemas(name: string): ProviderSchema[] {
  let s = schemaCache.get(name);
  if (!s) {
    s = (SCHEMA_FILES[name] ?? []).map((f) => JSON.parse(readFileSync(join(schemaDir, f), 'utf8')) as ProviderSchema);
    schemaCache.set(name, s);
  }
  return s;
}
const effectiveVersion = (s: ProviderSchema): string => s.patched?.version ?? s.version;
const label = (s: ProviderSchema): string => `${s.provider} ${effectiveVersion(s)}`;
/** The provider a type belongs to by Terraform's rule: the prefix before the first underscore. */
const providerOfType = (type: string): string => type.split('_')[0] ?? type;

// ------------------------------------------------------------------------------------------------ tokens

type TokKind = 'ident' | 'number' | 'string' | 'punct' | 'newline' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  line: number;
  col: number;
  /** For strings: the token lists of each `${...}` interpolation. */
  parts?: Token[][];
  /** For strings: the literal value when there is no interpolation. */
  value?: string;
}

class ParseError extends Error {
  constructor(
    readonly line: number,
    readonly col: number,
    message: string,
  ) {
    super(message);
  }
}

const PUNCT = ['==', '!=', '<=', '>=', '&&', '||', '=>', '...', '{', '}', '[', ']', '(', ')', '=', ',', '.', '*', ':', '?', '!', '<', '>', '+', '-', '/', '%'];

function tokenize(src: string, startLine = 1, startCol = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = startLine;
  let col = startCol;
  const adv = (n: number) => {
    for (let k = 0; k < n; k++) {
      if (src[i] === '\n') {
        line++;
        col = 1;
      } else col++;
      i++;
    }
  };
  while (i < src.length) {
    const c = src[i] as string;
    if (c === '\n') {
      out.push({ kind: 'newline', text: '\n', line, col });
      adv(1);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      adv(1);
      continue;
    }
    if (c === '#' || src.startsWith('//', i)) {
      while (i < src.length && src[i] !== '\n') adv(1);
      continue;
    }
    if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      if (end < 0) throw new ParseError(line, col, 'unterminated /* comment');
      adv(end + 2 - i);
      continue;
    }
    if (src.startsWith('<<', i)) throw new ParseError(line, col, 'heredoc strings are not part of the subset wi-gen writes');
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ kind: 'ident', text: m[0], line, col });
      adv(m[0].length);
      continue;
    }
    if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(i)) as RegExpExecArray;
      out.push({ kind: 'number', text: m[0], line, col });
      adv(m[0].length);
      continue;
    }
    if (c === '"') {
      const tok: Token = { kind: 'string', text: '', line, col, parts: [] };
      adv(1);
      let literal = '';
      let interpolated = false;
      for (;;) {
        const d = src[i];
        if (d === undefined || d === '\n') throw new ParseError(tok.line, tok.col, 'unterminated string');
        if (d === '"') {
          adv(1);
          break;
        }
        if (d === '\\') {
          const e = src[i + 1];
          const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
          if (e !== undefined && e in simple) {
            literal += simple[e];
            adv(2);
          } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) {
            literal += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16));
            adv(6);
          } else throw new ParseError(line, col, `invalid escape \\${e ?? ''} in string`);
          continue;
        }
        if ((d === '$' || d === '%') && src[i + 1] === d && src[i + 2] === '{') {
          literal += `${d}{`;
          adv(3);
          continue;
        }
        if (d === '%' && src[i + 1] === '{') throw new ParseError(line, col, 'template directives are not part of the subset wi-gen writes');
        if (d === '$' && src[i + 1] === '{') {
          // find the matching }, skipping nested strings and braces
          const startLine = line;
          const startCol = col + 2;
          adv(2);
          const from = i;
          let depth = 0;
          let inStr = false;
          while (i < src.length) {
            const x = src[i] as string;
            if (inStr) {
              if (x === '\\') adv(1);
              else if (x === '"') inStr = false;
            } else if (x === '"') inStr = true;
            else if (x === '{') depth++;
            else if (x === '}') {
              if (depth === 0) break;
              depth--;
            } else if (x === '\n') throw new ParseError(line, col, 'unterminated interpolation');
            adv(1);
          }
          if (src[i] !== '}') throw new ParseError(line, col, 'unterminated interpolation');
          tok.parts?.push(tokenize(src.slice(from, i), startLine, startCol).filter((t) => t.kind !== 'eof'));
          adv(1);
          interpolated = true;
          continue;
        }
        literal += d;
        adv(1);
      }
      tok.text = literal;
      if (!interpolated) tok.value = literal;
      out.push(tok);
      continue;
    }
    const p = PUNCT.find((q) => src.startsWith(q, i));
    if (!p) throw new ParseError(line, col, `unexpected character ${JSON.stringify(c)}`);
    out.push({ kind: 'punct', text: p, line, col });
    adv(p.length);
  }
  out.push({ kind: 'eof', text: '', line, col });
  return out;
}

// ------------------------------------------------------------------------------------------------ syntax tree

export interface AttrNode {
  kind: 'attribute';
  name: string;
  tokens: Token[];
  line: number;
  col: number;
}
export interface BlockNode {
  kind: 'block';
  type: string;
  labels: string[];
  body: (AttrNode | BlockNode)[];
  line: number;
  col: number;
}

const OPEN: Record<string, string> = { '{': '}', '[': ']', '(': ')' };

function parseBody(toks: Token[], pos: { i: number }, closing: boolean): (AttrNode | BlockNode)[] {
  const body: (AttrNode | BlockNode)[] = [];
  for (;;) {
    while (toks[pos.i]?.kind === 'newline') pos.i++;
    const t = toks[pos.i] as Token;
    if (t.kind === 'eof') {
      if (closing) throw new ParseError(t.line, t.col, 'missing } at end of file');
      return body;
    }
    if (t.kind === 'punct' && t.text === '}') {
      if (!closing) throw new ParseError(t.line, t.col, 'unexpected }');
      pos.i++;
      return body;
    }
    if (t.kind !== 'ident') throw new ParseError(t.line, t.col, `expected an argument or block name, found ${JSON.stringify(t.text)}`);
    pos.i++;
    const next = toks[pos.i] as Token;
    if (next.kind === 'punct' && next.text === '=') {
      pos.i++;
      const start = pos.i;
      const stack: string[] = [];
      for (;;) {
        const x = toks[pos.i] as Token;
        if (x.kind === 'eof') {
          if (stack.length > 0) throw new ParseError(x.line, x.col, `missing ${stack[stack.length - 1]}`);
          break;
        }
        if (stack.length === 0 && (x.kind === 'newline' || (x.kind === 'punct' && x.text === '}'))) break;
        if (x.kind === 'punct' && x.text in OPEN) stack.push(OPEN[x.text] as string);
        else if (x.kind === 'punct' && (x.text === '}' || x.text === ']' || x.text === ')')) {
          if (stack.pop() !== x.text) throw new ParseError(x.line, x.col, `unexpected ${x.text}`);
        }
        pos.i++;
      }
      const tokens = toks.slice(start, pos.i).filter((x) => x.kind !== 'newline');
      if (tokens.length === 0) throw new ParseError(next.line, next.col, `${t.text}: missing value after =`);
      body.push({ kind: 'attribute', name: t.text, tokens, line: t.line, col: t.col });
      continue;
    }
    const labels: string[] = [];
    while ((toks[pos.i] as Token).kind === 'string' || ((toks[pos.i] as Token).kind === 'ident')) {
      const l = toks[pos.i] as Token;
      if (l.kind === 'string' && l.value === undefined) throw new ParseError(l.line, l.col, 'a block label cannot be a template');
      labels.push(l.kind === 'string' ? (l.value as string) : l.text);
      pos.i++;
    }
    const open = toks[pos.i] as Token;
    if (!(open.kind === 'punct' && open.text === '{')) throw new ParseError(open.line, open.col, `expected = or { after ${t.text}, found ${JSON.stringify(open.text)}`);
    pos.i++;
    const inner = parseBody(toks, pos, true);
    body.push({ kind: 'block', type: t.text, labels, body: inner, line: t.line, col: t.col });
  }
}

export function parseHcl(content: string): (AttrNode | BlockNode)[] {
  return parseBody(tokenize(content), { i: 0 }, false);
}

// ------------------------------------------------------------------------------------------------ values

type Value =
  | { kind: 'string'; value: string | undefined }
  | { kind: 'number' }
  | { kind: 'bool' }
  | { kind: 'null' }
  | { kind: 'list'; items: Value[] }
  | { kind: 'object'; entries: [string, Value, Token][] }
  | { kind: 'expr' };

/** Splits tokens at top-level separators (commas or newlines are already dropped: commas only). */
function splitTop(toks: Token[], seps: (t: Token, depth: number) => boolean): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of toks) {
    if (t.kind === 'punct' && t.text in OPEN) depth++;
    if (t.kind === 'punct' && (t.text === '}' || t.text === ']' || t.text === ')')) depth--;
    if (depth === 0 && seps(t, depth)) {
      out.push(cur);
      cur = [];
      continue;
    }
    cur.push(t);
  }
  out.push(cur);
  return out.filter((p) => p.length > 0);
}

/** The shape of a value when it is a literal (string, number, bool, list, object); `expr` otherwise. */
function valueOf(toks: Token[]): Value {
  const first = toks[0];
  if (!first) return { kind: 'expr' };
  if (toks.length === 1) {
    if (first.kind === 'string') return { kind: 'string', value: first.value };
    if (first.kind === 'number') return { kind: 'number' };
    if (first.kind === 'ident' && (first.text === 'true' || first.text === 'false')) return { kind: 'bool' };
    if (first.kind === 'ident' && first.text === 'null') return { kind: 'null' };
    return { kind: 'expr' };
  }
  const last = toks[toks.length - 1] as Token;
  if (first.kind === 'punct' && (first.text === '[' || first.text === '{') && last.text === OPEN[first.text]) {
    // only a literal when the opening bracket's match is the last token
    let depth = 0;
    for (let k = 0; k < toks.length; k++) {
      const t = toks[k] as Token;
      if (t.kind === 'punct' && t.text in OPEN) depth++;
      if (t.kind === 'punct' && (t.text === '}' || t.text === ']' || t.text === ')')) depth--;
      if (depth === 0 && k < toks.length - 1) return { kind: 'expr' };
    }
    const inner = toks.slice(1, -1);
    if (inner[0]?.kind === 'ident' && inner[0].text === 'for') return { kind: 'expr' };
    if (first.text === '[') return { kind: 'list', items: splitTop(inner, (t) => t.kind === 'punct' && t.text === ',').map(valueOf) };
    // object: key = value pairs separated by commas or newlines (newlines were dropped: split at `key =`)
    const entries: [string, Value, Token][] = [];
    let k = 0;
    while (k < inner.length) {
      const key = inner[k] as Token;
      const eq = inner[k + 1];
      if (!(key.kind === 'ident' || key.kind === 'string') || !(eq && eq.kind === 'punct' && (eq.text === '=' || eq.text === ':'))) return { kind: 'expr' };
      let j = k + 2;
      let depth = 0;
      for (; j < inner.length; j++) {
        const t = inner[j] as Token;
        if (t.kind === 'punct' && t.text in OPEN) depth++;
        if (t.kind === 'punct' && (t.text === '}' || t.text === ']' || t.text === ')')) depth--;
        if (depth === 0 && t.kind === 'punct' && t.text === ',') break;
        // a `key =` on a later line starts the next entry (entries on separate lines have no comma)
        const n1 = inner[j + 1];
        const prev = inner[j - 1] as Token;
        if (depth === 0 && j > k + 2 && (t.kind === 'ident' || t.kind === 'string') && n1?.kind === 'punct' && n1.text === '=' && t.line > prev.line) break;
      }
      entries.push([key.kind === 'string' ? (key.value ?? key.text) : key.text, valueOf(inner.slice(k + 2, j)), key]);
      k = inner[j]?.kind === 'punct' && inner[j]?.text === ',' ? j + 1 : j;
    }
    return { kind: 'object', entries };
  }
  return { kind: 'expr' };
}

/** A problem with a literal value for a schema type, or undefined. Expressions are not judged. */
function typeMismatch(type: string | undefined, v: Value): string | undefined {
  if (!type || type === 'any' || v.kind === 'expr' || v.kind === 'null') return undefined;
  const outer = /^(\w+)/.exec(type)?.[1];
  const shape = v.kind === 'list' ? 'a list' : v.kind === 'object' ? 'an object' : `a ${v.kind}`;
  switch (outer) {
    case 'string':
      return v.kind === 'list' || v.kind === 'object' ? `must be a string, got ${shape}` : undefined;
    case 'number':
      if (v.kind === 'number') return undefined;
      if (v.kind === 'string' && v.value !== undefined && /^-?[0-9]+(\.[0-9]+)?$/.test(v.value)) return undefined;
      return `must be a number, got ${shape}${v.kind === 'string' ? ` ${JSON.stringify(v.value)}` : ''}`;
    case 'bool':
      if (v.kind === 'bool' || (v.kind === 'string' && (v.value === 'true' || v.value === 'false'))) return undefined;
      return `must be a bool, got ${shape}`;
    case 'list':
    case 'set': {
      if (v.kind !== 'list') return `must be a ${outer}, got ${shape}`;
      const elem = /^\w+\((.*)\)$/.exec(type)?.[1];
      for (const item of v.items) {
        const m = typeMismatch(elem, item);
        if (m) return `element ${m}`;
      }
      return undefined;
    }
    case 'map':
    case 'object':
      return v.kind === 'object' ? undefined : `must be ${outer === 'map' ? 'a map' : 'an object'}, got ${shape}`;
    default:
      return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ references

type Step = { attr: string; tok: Token } | { index: 'number' | 'string' | 'splat' | 'dynamic'; tok: Token };
interface Reference {
  root: Token;
  steps: Step[];
}

/** Every traversal in an expression's tokens (and in its string templates), with its steps. */
function referencesIn(toks: Token[]): Reference[] {
  const refs: Reference[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i] as Token;
    if (t.kind === 'string') {
      for (const part of t.parts ?? []) refs.push(...referencesIn(part));
      continue;
    }
    if (t.kind !== 'ident') continue;
    const prev = toks[i - 1];
    const next = toks[i + 1];
    if (prev && prev.kind === 'punct' && prev.text === '.') continue; // an attribute step, handled with its root
    if (next && next.kind === 'punct' && (next.text === '(' || next.text === '=')) continue; // function, object key
    // `key: value` in an object, but not the `a` of `c ? a : b`
    const startsEntry = !prev || prev.line < t.line || (prev.kind === 'punct' && (prev.text === '{' || prev.text === ','));
    if (next && next.kind === 'punct' && next.text === ':' && startsEntry) continue;
    if (['true', 'false', 'null', 'for', 'in', 'if'].includes(t.text)) continue;
    const steps: Step[] = [];
    let j = i + 1;
    for (;;) {
      const a = toks[j];
      const b = toks[j + 1];
      if (a?.kind === 'punct' && a.text === '.' && b?.kind === 'ident') {
        steps.push({ attr: b.text, tok: b });
        j += 2;
      } else if (a?.kind === 'punct' && a.text === '.' && b?.kind === 'punct' && b.text === '*') {
        steps.push({ index: 'splat', tok: b });
        j += 2;
      } else if (a?.kind === 'punct' && a.text === '.' && b?.kind === 'number') {
        steps.push({ index: 'number', tok: b });
        j += 2;
      } else if (a?.kind === 'punct' && a.text === '[') {
        // find the matching ]
        let depth = 0;
        let k = j;
        for (; k < toks.length; k++) {
          const x = toks[k] as Token;
          if (x.kind === 'punct' && x.text in OPEN) depth++;
          if (x.kind === 'punct' && (x.text === ']' || x.text === '}' || x.text === ')')) depth--;
          if (depth === 0) break;
        }
        const inner = toks.slice(j + 1, k);
        const only = inner.length === 1 ? inner[0] : undefined;
        const index = only?.kind === 'number' ? 'number' : only?.kind === 'string' && only.value !== undefined ? 'string' : only?.kind === 'punct' && only.text === '*' ? 'splat' : 'dynamic';
        steps.push({ index, tok: a });
        refs.push(...referencesIn(inner));
        j = k + 1;
      } else break;
    }
    refs.push({ root: t, steps });
    i = j - 1;
  }
  return refs;
}

// ------------------------------------------------------------------------------------------------ checking

export interface TerraformFile {
  path: string;
  content: string;
}
export interface TerraformCheck {
  problems: string[];
  notes: string[];
  blocks: { topLevel: number; nested: number };
}

interface Declared {
  kind: 'resource' | 'data';
  type: string;
  name: string;
  block: BlockNode;
  file: string;
}

const RESOURCE_META_ATTRS = new Set(['count', 'for_each', 'depends_on', 'provider']);
const LIFECYCLE_RESOURCE: Arguments = {
  create_before_destroy: { optional: true, type: 'bool' },
  prevent_destroy: { optional: true, type: 'bool' },
  ignore_changes: { optional: true, type: 'any' },
  replace_triggered_by: { optional: true, type: 'list(any)' },
  precondition: { optional: true, block: true, nesting: 'list', arguments: { condition: { required: true, type: 'bool' }, error_message: { required: true, type: 'string' } } },
  postcondition: { optional: true, block: true, nesting: 'list', arguments: { condition: { required: true, type: 'bool' }, error_message: { required: true, type: 'string' } } },
};
const LIFECYCLE_DATA: Arguments = { precondition: LIFECYCLE_RESOURCE['precondition'] as TfArgument, postcondition: LIFECYCLE_RESOURCE['postcondition'] as TfArgument };
const CONDITION_BLOCK: TfArgument = LIFECYCLE_RESOURCE['precondition'] as TfArgument;
/** Top-level blocks other than resource/data/provider: their labels and what their bodies take (Terraform's own language). */
const LANGUAGE_BLOCKS: Record<string, { labels: number; arguments?: Arguments }> = {
  terraform: { labels: 0 },
  variable: {
    labels: 1,
    arguments: {
      type: { optional: true, type: 'any' }, default: { optional: true, type: 'any' }, description: { optional: true, type: 'string' },
      sensitive: { optional: true, type: 'bool' }, nullable: { optional: true, type: 'bool' }, ephemeral: { optional: true, type: 'bool' },
      validation: CONDITION_BLOCK,
    },
  },
  output: {
    labels: 1,
    arguments: {
      value: { required: true, type: 'any' }, description: { optional: true, type: 'string' }, sensitive: { optional: true, type: 'bool' },
      ephemeral: { optional: true, type: 'bool' }, depends_on: { optional: true, type: 'list(any)' }, precondition: CONDITION_BLOCK,
    },
  },
  locals: { labels: 0 },
  import: { labels: 0, arguments: { to: { required: true, type: 'any' }, id: { optional: true, type: 'string' }, identity: { optional: true, type: 'any' }, provider: { optional: true, type: 'any' }, for_each: { optional: true, type: 'any' } } },
  moved: { labels: 0, arguments: { from: { required: true, type: 'any' }, to: { required: true, type: 'any' } } },
  removed: { labels: 0, arguments: { from: { required: true, type: 'any' }, lifecycle: { optional: true, block: true, nesting: 'single', arguments: { destroy: { optional: true, type: 'bool' } } } } },
  module: { labels: 1 },
  check: { labels: 1 },
};
const TERRAFORM_BLOCK: Arguments = {
  required_version: { optional: true, type: 'string' },
  experiments: { optional: true, type: 'list(any)' },
  // bodies not described here (required_providers is checked on its own above)
  required_providers: { optional: true, block: true, nesting: 'single' },
  backend: { optional: true, block: true, nesting: 'single' },
  cloud: { optional: true, block: true, nesting: 'single' },
  provider_meta: { optional: true, block: true, nesting: 'list' },
};

/** Is `version` admitted by a Terraform version constraint such as ">= 5.31.0, < 7"? */
export function versionAllowed(version: string, constraint: string): boolean {
  const parse = (v: string) => v.split('.').map((n) => Number(n));
  const cmp = (a: number[], b: number[]) => {
    for (let k = 0; k < Math.max(a.length, b.length); k++) if ((a[k] ?? 0) !== (b[k] ?? 0)) return (a[k] ?? 0) - (b[k] ?? 0);
    return 0;
  };
  const v = parse(version);
  return constraint.split(',').every((part) => {
    const m = /^\s*(>=|<=|!=|~>|>|<|=)?\s*([0-9][0-9.]*)\s*$/.exec(part);
    if (!m) return true;
    const op = m[1] ?? '=';
    const c = parse(m[2] as string);
    const d = cmp(v, c);
    switch (op) {
      case '>=': return d >= 0;
      case '<=': return d <= 0;
      case '>': return d > 0;
      case '<': return d < 0;
      case '!=': return d !== 0;
      case '=': return d === 0;
      default: {
        // ~> 1.2.3 allows >= 1.2.3, < 1.3; ~> 1.2 allows >= 1.2, < 2
        if (d < 0) return false;
        const upper = c.slice(0, Math.max(1, c.length - 1));
        upper[upper.length - 1] = (upper[upper.length - 1] ?? 0) + 1;
        return cmp(v.slice(0, upper.length), upper) < 0;
      }
    }
  });
}

/** Checks one Terraform module (the .tf files of one directory). */
/**
 * Import ID formats, written from each provider's "Import" documentation independently of wi-gen's own table
 * (src/emit/terraform-imports.ts), in the one form wi-gen writes where a provider accepts several. A named group
 * must equal the target resource's literal argument of that name (a trailing digit allows a second group for one
 * argument): an ID that parses but names another object is as wrong as one that does not parse.
 */
const IMPORT_ID_FORMATS: Record<string, { format: RegExp; doc: string }> = {
  google_service_account: {
    format: /^projects\/(?<project>[a-z][a-z0-9-]{4,28}[a-z0-9])\/serviceAccounts\/(?<account_id>[a-z][a-z0-9-]{4,28}[a-z0-9])@(?<project2>[a-z][a-z0-9-]{4,28}[a-z0-9])\.iam\.gserviceaccount\.com$/,
    doc: 'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/service_account#import',
  },
  google_project_iam_custom_role: {
    format: /^projects\/(?<project>[^/]+)\/roles\/(?<role_id>[A-Za-z0-9_.]{3,64})$/,
    doc: 'https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/project_iam_custom_role#import',
  },
  // azurerm parses resource IDs with case-sensitive segment names (resourceGroups, not resourcegroups).
  azurerm_user_assigned_identity: {
    format: /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/(?<resource_group_name>[^/]+)\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/(?<name>[^/]+)$/,
    doc: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/user_assigned_identity#import',
  },
  azurerm_federated_identity_credential: {
    format: /^\/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.ManagedIdentity\/userAssignedIdentities\/[^/]+\/federatedIdentityCredentials\/(?<name>[^/]+)$/,
    doc: 'https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/federated_identity_credential#import',
  },
  // The role's name, not its ARN.
  aws_iam_role: { format: /^(?<name>[\w+=,.@-]{1,64})$/, doc: 'https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/iam_role#import' },
  // The mount path, without slashes at either end (the provider's create sets the ID to it; its importer passes it through).
  vault_azure_secret_backend: { format: /^(?<path>[^/](?:.*[^/])?)$/, doc: 'https://registry.terraform.io/providers/hashicorp/vault/latest/docs/resources/azure_secret_backend' },
};

export function checkTerraform(files: readonly TerraformFile[]): TerraformCheck {
  const problems: string[] = [];
  const notes: string[] = [];
  const blocks = { topLevel: 0, nested: 0 };
  const parsed: { file: string; items: (AttrNode | BlockNode)[] }[] = [];
  for (const f of files) {
    try {
      parsed.push({ file: f.path, items: parseHcl(f.content) });
    } catch (e) {
      if (e instanceof ParseError) problems.push(`${f.path}:${e.line}:${e.col}: (file): ${e.message}`);
      else throw e;
    }
  }

  // ------------------------------------------------------------------ declarations
  const declared = new Map<string, Declared>();
  const variables = new Set<string>();
  /** Variables declared `ephemeral = true` (Terraform 1.10+): usable only where the value is never stored. */
  const ephemeralVariables = new Set<string>();
  /** Every terraform.required_version (each file may have a terraform block; Terraform needs all of them met). */
  const requiredVersions: { value: string; file: string; node: AttrNode }[] = [];
  /** The import blocks, checked once every declaration is known. */
  const imports: { file: string; block: BlockNode; to: AttrNode; address: string }[] = [];
  /** Where Terraform 1.11 is needed (a write-only argument set, an ephemeral variable): the first such place. */
  let needs111: { file: string; node: { line: number; col: number }; address: string; what: string } | undefined;
  const locals = new Set<string>();
  const modules = new Set<string>();
  const requiredProviders = new Map<string, { source?: string; version?: string }>();
  const providerBlocks = new Set<string>();
  const at = (file: string, n: { line: number; col: number }, address: string, message: string) =>
    problems.push(`${file}:${n.line}:${n.col}: ${address}: ${message}`);

  for (const { file, items } of parsed) {
    for (const item of items) {
      if (item.kind === 'attribute') {
        at(file, item, item.name, 'an attribute is not allowed at the top level of a module');
        continue;
      }
      const b = item;
      if (b.type === 'resource' || b.type === 'data') {
        if (b.labels.length !== 2) {
          at(file, b, b.type, `a ${b.type} block takes 2 labels (type, name), got ${b.labels.length}`);
          continue;
        }
        const address = `${b.type === 'data' ? 'data.' : ''}${b.labels[0]}.${b.labels[1]}`;
        const prior = declared.get(address);
        if (prior) at(file, b, address, `duplicate address: also declared at ${prior.file}:${prior.block.line}`);
        else declared.set(address, { kind: b.type, type: b.labels[0] as string, name: b.labels[1] as string, block: b, file });
      } else if (b.type === 'provider') {
        if (b.labels.length !== 1) continue;
        const alias = b.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === 'alias');
        const key = `${b.labels[0]}${alias ? `.${valueOf(alias.tokens).kind === 'string' ? (valueOf(alias.tokens) as { value?: string }).value : '?'}` : ''}`;
        if (providerBlocks.has(key)) at(file, b, `provider.${key}`, 'duplicate provider configuration');
        providerBlocks.add(key);
      } else if (b.type === 'variable' && b.labels[0]) {
        if (variables.has(b.labels[0])) at(file, b, `var.${b.labels[0]}`, 'duplicate variable');
        variables.add(b.labels[0]);
        const eph = b.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === 'ephemeral');
        if (eph && valueOf(eph.tokens).kind === 'bool' && eph.tokens[0]?.text === 'true') {
          ephemeralVariables.add(b.labels[0]);
          needs111 ??= { file, node: b, address: `var.${b.labels[0]}`, what: 'an ephemeral variable (1.10)' };
        }
      } else if (b.type === 'module' && b.labels[0]) modules.add(b.labels[0]);
      else if (b.type === 'locals') {
        for (const x of b.body) if (x.kind === 'attribute') locals.add(x.name);
      } else if (b.type === 'terraform') {
        const rv = b.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === 'required_version');
        const rvValue = rv && valueOf(rv.tokens);
        if (rv && rvValue?.kind === 'string' && rvValue.value !== undefined) requiredVersions.push({ value: rvValue.value, file, node: rv });
        for (const rp of b.body) {
          if (rp.kind !== 'block' || rp.type !== 'required_providers') continue;
          for (const entry of rp.body) {
            if (entry.kind !== 'attribute') {
              at(file, entry, `required_providers.${entry.type}`, 'required_providers entries are attributes: NAME = { source = ..., version = ... }');
              continue;
            }
            const v = valueOf(entry.tokens);
            if (v.kind !== 'object') {
              at(file, entry, `required_providers.${entry.name}`, 'must be an object { source, version }');
              continue;
            }
            const get = (k: string) => {
              const e = v.entries.find(([n]) => n === k);
              return e && e[1].kind === 'string' ? e[1].value : undefined;
            };
            for (const [k, , tok] of v.entries) {
              if (!['source', 'version', 'configuration_aliases'].includes(k)) at(file, tok, `required_providers.${entry.name}`, `unknown field ${JSON.stringify(k)}`);
            }
            const source = get('source');
            requiredProviders.set(entry.name, { source, version: get('version') });
            if (source !== `hashicorp/${entry.name}` && SCHEMA_FILES[entry.name]) {
              at(file, entry, `required_providers.${entry.name}`, `source ${JSON.stringify(source)} is not hashicorp/${entry.name}, the provider whose schema is known`);
            } else if (!SCHEMA_FILES[entry.name]) {
              at(file, entry, `required_providers.${entry.name}`, `no schema known for provider ${JSON.stringify(source ?? entry.name)}`);
            }
          }
        }
      }
    }
  }
  for (const [name, req] of requiredProviders) {
    for (const s of providerSchemas(name)) {
      if (req.version && !versionAllowed(effectiveVersion(s), req.version)) {
        notes.push(`required_providers.${name}: the schema checked (${label(s)}) is outside ${JSON.stringify(req.version)}`);
      }
    }
  }

  // ------------------------------------------------------------------ references
  interface Scope {
    file: string;
    address: string;
    self?: { schemas: { s: ProviderSchema; args: Arguments }[] };
    hasCount: boolean;
    hasForEach: boolean;
  }
  const schemasForDeclared = (d: Declared): { s: ProviderSchema; args: Arguments }[] =>
    providerSchemas(providerOfType(d.type)).flatMap((s) => {
      const t = (d.kind === 'data' ? s.data_sources : s.resources)[d.type];
      return t ? [{ s, args: t.arguments }] : [];
    });

  /** Walks the steps after an object's address through its schema. */
  const checkSteps = (scope: Scope, ref: string, steps: Step[], args: Arguments, s: ProviderSchema, counted: boolean) => {
    let k = 0;
    if (counted) {
      const first = steps[0];
      if (!first || !('index' in first)) return; // the whole list of instances, or an error terraform shows with context
      k = 1;
    }
    let cur: { args?: Arguments; type?: string; nesting?: string; block?: boolean } = { args };
    for (; k < steps.length; k++) {
      const step = steps[k] as Step;
      const here = `${ref}${steps.slice(0, k).map((x) => ('attr' in x ? `.${x.attr}` : '[…]')).join('')}`;
      if ('attr' in step) {
        if (!cur.args) {
          at(scope.file, step.tok, scope.address, `${here}.${step.attr}: ${here} is ${cur.type ?? 'not an object'}, it has no attribute ${JSON.stringify(step.attr)}`);
          return;
        }
        if (cur.nesting === 'list' || cur.nesting === 'set' || /^(list|set)\(/.test(cur.type ?? '')) {
          at(scope.file, step.tok, scope.address, `${here}.${step.attr}: ${here} is a ${cur.nesting ?? cur.type}; index it first (${here}[0].${step.attr})${cur.nesting === 'set' || /^set/.test(cur.type ?? '') ? ' after tolist()' : ''}`);
          return;
        }
        const a = cur.args[step.attr];
        if (!a) {
          at(scope.file, step.tok, scope.address, `${here}.${step.attr}: no attribute ${JSON.stringify(step.attr)} in ${label(s)}`);
          return;
        }
        if (a.recursive || a.type === 'any') return;
        cur = a.arguments ? { args: a.arguments, type: a.type, nesting: a.block ? a.nesting : undefined, block: a.block } : { type: a.type };
        if (!a.block && a.arguments && a.type === 'object') cur.nesting = undefined;
      } else {
        const isSet = cur.nesting === 'set' || /^set\(/.test(cur.type ?? '');
        const isList = cur.nesting === 'list' || /^list\(/.test(cur.type ?? '');
        const isMap = cur.nesting === 'map' || /^map\(/.test(cur.type ?? '');
        if (step.index === 'splat') {
          if (!isList && !isSet) return; // splat on a single value wraps it; nothing to check after
        } else if (isSet) {
          at(scope.file, step.tok, scope.address, `${here}[…]: ${here} is a set, whose elements have no index (use tolist() or one())`);
          return;
        } else if (!isList && !isMap) {
          at(scope.file, step.tok, scope.address, `${here}[…]: ${here} is ${cur.type ?? 'an object'}, it cannot be indexed`);
          return;
        } else if (isList && step.index === 'string') {
          at(scope.file, step.tok, scope.address, `${here}[…]: a list is indexed by a number`);
          return;
        }
        // the element
        if (cur.nesting) cur = { args: cur.args };
        else {
          const elem = /^\w+\((.*)\)$/.exec(cur.type ?? '')?.[1];
          cur = elem === 'object' ? { args: cur.args, type: 'object' } : { type: elem };
        }
      }
    }
  };

  const checkReference = (scope: Scope, r: Reference) => {
    const root = r.root.text;
    const attrStep = (n: number) => {
      const x = r.steps[n];
      return x && 'attr' in x ? x.attr : undefined;
    };
    switch (root) {
      case 'var': {
        const n = attrStep(0);
        if (!n || !variables.has(n)) at(scope.file, r.root, scope.address, `var.${n ?? '?'}: no variable ${JSON.stringify(n)} is declared`);
        return;
      }
      case 'local': {
        const n = attrStep(0);
        if (!n || !locals.has(n)) at(scope.file, r.root, scope.address, `local.${n ?? '?'}: no local value ${JSON.stringify(n)} is defined`);
        return;
      }
      case 'module': {
        const n = attrStep(0);
        if (!n || !modules.has(n)) at(scope.file, r.root, scope.address, `module.${n ?? '?'}: no module ${JSON.stringify(n)} is declared`);
        return;
      }
      case 'each':
        if (!scope.hasForEach) at(scope.file, r.root, scope.address, 'each. is only valid in a block with for_each');
        return;
      case 'count':
        if (!scope.hasCount) at(scope.file, r.root, scope.address, 'count. is only valid in a block with count');
        return;
      case 'path':
      case 'terraform':
        return;
      case 'self': {
        if (!scope.self) {
          at(scope.file, r.root, scope.address, 'self is only valid in a lifecycle condition, provisioner or connection block');
          return;
        }
        for (const { s, args } of scope.self.schemas) checkSteps(scope, 'self', r.steps, args, s, false);
        return;
      }
      case 'data': {
        const t = attrStep(0);
        const n = attrStep(1);
        const address = `data.${t}.${n}`;
        const d = declared.get(address);
        if (!t || !n || !d) {
          at(scope.file, r.root, scope.address, `${address}: no data source ${JSON.stringify(`${t}.${n}`)} is declared in this module`);
          return;
        }
        for (const { s, args } of schemasForDeclared(d)) checkSteps(scope, address, r.steps.slice(2), args, s, hasMeta(d.block, 'count') || hasMeta(d.block, 'for_each'));
        return;
      }
      default: {
        const n = attrStep(0);
        const address = `${root}.${n}`;
        const d = declared.get(address);
        if (!n || !d) {
          at(scope.file, r.root, scope.address, `${address}: ${root.includes('_') ? `no resource ${JSON.stringify(address)} is declared in this module` : `unknown name ${JSON.stringify(root)}`}`);
          return;
        }
        for (const { s, args } of schemasForDeclared(d)) checkSteps(scope, address, r.steps.slice(1), args, s, hasMeta(d.block, 'count') || hasMeta(d.block, 'for_each'));
      }
    }
  };
  const hasMeta = (b: BlockNode, name: string) => b.body.some((x) => x.kind === 'attribute' && x.name === name);
  const checkExpression = (scope: Scope, tokens: Token[]) => {
    for (const r of referencesIn(tokens)) checkReference(scope, r);
  };

  // ------------------------------------------------------------------ bodies against schemas
  /**
   * Checks a body against one schema's arguments. `label` names the schema in messages when there are several
   * (aws 6.66 and 5.100). `meta` lists meta-arguments (and meta-blocks) handled by the caller.
   */
  const checkBody = (
    scope: Scope,
    body: (AttrNode | BlockNode)[],
    args: Arguments,
    where: string,
    schemaLabel: string,
    opts: { metaAttrs?: Set<string>; metaBlocks?: Set<string>; required?: boolean; countBlocks?: boolean },
  ) => {
    const seen = new Map<string, number>();
    for (const item of body) {
      const name = item.kind === 'attribute' ? item.name : item.type;
      const path = `${where}${name}`;
      if (item.kind === 'attribute' && opts.metaAttrs?.has(name)) continue;
      if (item.kind === 'block' && opts.metaBlocks?.has(name)) continue;
      const a = args[name];
      if (!a) {
        at(scope.file, item, scope.address, `${path}: unknown ${item.kind === 'attribute' ? 'argument' : 'block'} ${JSON.stringify(name)} (${schemaLabel})`);
        continue;
      }
      if (a.deprecated) notes.push(`${scope.file}:${item.line}:${item.col}: ${scope.address}: ${path} is deprecated in ${schemaLabel}`);
      if (a.computed) {
        at(scope.file, item, scope.address, `${path}: ${JSON.stringify(name)} is computed-only in ${schemaLabel} and cannot be set`);
        continue;
      }
      seen.set(name, (seen.get(name) ?? 0) + 1);
      if (item.kind === 'attribute') {
        if (a.block) {
          at(scope.file, item, scope.address, `${path}: ${JSON.stringify(name)} is a block in ${schemaLabel}: write ${name} { ... }, not ${name} = ...`);
          continue;
        }
        if ((seen.get(name) ?? 0) > 1) at(scope.file, item, scope.address, `${path}: argument ${JSON.stringify(name)} is set twice`);
        // cdktf-derived schemas carry no write_only mark; upstream names every write-only argument *_wo.
        const writeOnly = a.write_only === true || /_wo$/.test(name);
        if (writeOnly) needs111 ??= { file: scope.file, node: item, address: scope.address, what: `the write-only argument ${name}` };
        if (!writeOnly) {
          for (const r of referencesIn(item.tokens)) {
            const v = r.root.text === 'var' && r.steps[0] && 'attr' in r.steps[0] ? r.steps[0].attr : undefined;
            if (v && ephemeralVariables.has(v)) {
              at(scope.file, item, scope.address, `${path}: var.${v} is ephemeral and ${JSON.stringify(name)} is not a write-only argument in ${schemaLabel}: Terraform refuses to store it`);
            }
          }
        }
        const m = typeMismatch(a.type, valueOf(item.tokens));
        if (m) at(scope.file, item, scope.address, `${path}: ${m} (${schemaLabel}: ${a.type})`);
      } else {
        if (opts.countBlocks) blocks.nested++;
        if (!a.block) {
          at(scope.file, item, scope.address, `${path}: ${JSON.stringify(name)} is an attribute in ${schemaLabel}: write ${name} = ..., not a block`);
          continue;
        }
        if (item.labels.length > 0 && a.nesting !== 'map') at(scope.file, item, scope.address, `${path}: block ${JSON.stringify(name)} takes no labels`);
        if (!a.recursive && a.arguments) checkBody(scope, item.body, a.arguments, `${path}.`, schemaLabel, { required: opts.required, countBlocks: opts.countBlocks });
      }
    }
    for (const [name, a] of Object.entries(args)) {
      const n = seen.get(name) ?? 0;
      if (a.block) {
        const max = a.nesting === 'single' ? 1 : a.max_items;
        if (max !== undefined && n > max) at(scope.file, body.find((x) => x.kind === 'block' && x.type === name) ?? { line: 0, col: 0 }, scope.address, `${where}${name}: at most ${max} ${name} block${max === 1 ? '' : 's'} (${schemaLabel}), got ${n}`);
        const min = a.min_items ?? (a.required ? 1 : 0);
        if (opts.required !== false && n < min) at(scope.file, scopeBlock(scope, body), scope.address, `${where}${name}: missing required block ${JSON.stringify(name)} (${schemaLabel})`);
      } else if (a.required && n === 0 && opts.required !== false) {
        at(scope.file, scopeBlock(scope, body), scope.address, `${where}${name}: missing required argument ${JSON.stringify(name)} (${schemaLabel})`);
      }
    }
  };
  const blockOfBody = new Map<(AttrNode | BlockNode)[], { line: number; col: number }>();
  const scopeBlock = (_scope: Scope, body: (AttrNode | BlockNode)[]) => blockOfBody.get(body) ?? { line: 0, col: 0 };
  const indexBodies = (b: BlockNode) => {
    blockOfBody.set(b.body, b);
    for (const x of b.body) if (x.kind === 'block') indexBodies(x);
  };

  /** References everywhere in a body; `self` allowed inside lifecycle conditions. */
  const checkAllExpressions = (scope: Scope, body: (AttrNode | BlockNode)[], selfScope: Scope) => {
    for (const item of body) {
      if (item.kind === 'attribute') checkExpression(scope, item.tokens);
      else {
        const inner = item.type === 'lifecycle' || item.type === 'provisioner' || item.type === 'connection' ? selfScope : scope;
        checkAllExpressions(inner, item.body, selfScope);
      }
    }
  };

  // ------------------------------------------------------------------ each top-level block
  for (const { file, items } of parsed) {
    for (const item of items) {
      if (item.kind !== 'block') continue;
      const b = item;
      indexBodies(b);
      blocks.topLevel++;
      const base: Scope = { file, address: b.type, hasCount: hasMeta(b, 'count'), hasForEach: hasMeta(b, 'for_each') };
      if (b.type === 'resource' || b.type === 'data') {
        if (b.labels.length !== 2) continue;
        const [type, name] = b.labels as [string, string];
        const address = `${b.type === 'data' ? 'data.' : ''}${type}.${name}`;
        const scope: Scope = { ...base, address };
        const providerName = providerOfType(type);
        const providerAttr = b.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === 'provider');
        const configured = providerAttr ? providerAttr.tokens[0]?.text ?? providerName : providerName;
        if (!requiredProviders.has(configured)) at(file, b, address, `provider ${JSON.stringify(configured)} is not in terraform.required_providers`);
        const schemas = providerSchemas(providerName);
        if (schemas.length === 0) {
          at(file, b, address, `no schema known for provider ${JSON.stringify(providerName)}`);
          continue;
        }
        const bound: { s: ProviderSchema; args: Arguments }[] = [];
        schemas.forEach((s, n) => {
          const t = (b.type === 'data' ? s.data_sources : s.resources)[type];
          if (t) bound.push({ s, args: t.arguments });
          else if (n === 0 || !s.restricted_to || s.restricted_to.families.some((f) => new RegExp(f).test(type))) {
            at(file, b, address, `unknown ${b.type === 'data' ? 'data source' : 'resource'} type ${JSON.stringify(type)} in ${label(s)} ` +
              '(test/upstream/ keeps only the types named in src/: for a real type, run node scripts/upstream-facts.mjs)');
          }
        });
        const lifecycleArgs = b.type === 'data' ? LIFECYCLE_DATA : LIFECYCLE_RESOURCE;
        const selfScope: Scope = { ...scope, self: { schemas: bound } };
        bound.forEach(({ s, args }, n) => {
          checkBody(scope, b.body, args, '', label(s), {
            metaAttrs: RESOURCE_META_ATTRS,
            metaBlocks: new Set(b.type === 'data' ? ['lifecycle'] : ['lifecycle', 'provisioner', 'connection']),
            countBlocks: n === 0,
          });
        });
        // meta-arguments
        const lifecycles = b.body.filter((x): x is BlockNode => x.kind === 'block' && x.type === 'lifecycle');
        if (lifecycles.length > 1) at(file, lifecycles[1] as BlockNode, address, 'at most one lifecycle block');
        for (const l of lifecycles) {
          blocks.nested++;
          checkBody(scope, l.body, lifecycleArgs, 'lifecycle.', 'Terraform', { metaAttrs: new Set(['ignore_changes', 'replace_triggered_by']), countBlocks: true });
          const ignore = l.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === 'ignore_changes');
          if (ignore) {
            const v = valueOf(ignore.tokens);
            const names = v.kind === 'list' ? splitTop(ignore.tokens.slice(1, -1), (t) => t.kind === 'punct' && t.text === ',') : [];
            for (const n of names) {
              const first = n[0] as Token;
              if (first.kind === 'ident' && first.text !== 'all') for (const { s, args } of bound) if (!args[first.text]) at(file, first, address, `lifecycle.ignore_changes: no argument ${JSON.stringify(first.text)} in ${label(s)}`);
            }
          }
        }
        for (const x of b.body) {
          if (x.kind !== 'attribute') continue;
          if (x.name === 'depends_on') {
            const v = valueOf(x.tokens);
            if (v.kind !== 'list') at(file, x, address, 'depends_on must be a list of resource, data or module addresses');
            for (const r of referencesIn(x.tokens)) {
              if (r.steps.some((st) => 'index' in st) || (r.root.text === 'data' ? r.steps.length !== 2 : r.root.text === 'module' ? r.steps.length !== 1 : r.steps.length !== 1)) {
                at(file, r.root, address, 'depends_on takes whole addresses (type.name), not attributes');
              }
            }
          }
        }
        // `provider = NAME.ALIAS` names a configuration, not an object; lifecycle is checked below.
        const forChecking = b.body.filter((x) => !(x.kind === 'attribute' && x.name === 'provider') && !(x.kind === 'block' && x.type === 'lifecycle'));
        checkAllExpressions(scope, forChecking, selfScope);
        for (const l of lifecycles) {
          for (const x of l.body) {
            if (x.kind === 'attribute' && x.name !== 'ignore_changes') checkExpression(selfScope, x.tokens);
            if (x.kind === 'block') checkAllExpressions(selfScope, x.body, selfScope);
          }
        }
      } else if (b.type === 'provider') {
        if (b.labels.length !== 1) {
          at(file, b, 'provider', `a provider block takes 1 label, got ${b.labels.length}`);
          continue;
        }
        const name = b.labels[0] as string;
        const address = `provider.${name}`;
        const scope: Scope = { ...base, address };
        if (!requiredProviders.has(name)) at(file, b, address, `provider ${JSON.stringify(name)} is not in terraform.required_providers`);
        const schemas = providerSchemas(name);
        if (schemas.length === 0) at(file, b, address, `no schema known for provider ${JSON.stringify(name)}`);
        schemas.forEach((s, n) => {
          // cdktf marks every provider argument optional (required_unknown): only patched requirements are real.
          checkBody(scope, b.body, s.provider_config.arguments, '', label(s), { metaAttrs: new Set(['alias', 'version']), countBlocks: n === 0 });
        });
        checkAllExpressions(scope, b.body, scope);
      } else if (b.type === 'terraform') {
        checkBody(base, b.body, TERRAFORM_BLOCK, '', 'Terraform', { countBlocks: true });
      } else if (b.type in LANGUAGE_BLOCKS) {
        const spec = LANGUAGE_BLOCKS[b.type] as { labels: number; arguments?: Arguments };
        const address = b.labels.length > 0 ? `${b.type}.${b.labels.join('.')}` : b.type;
        const scope: Scope = { ...base, address };
        if (b.labels.length !== spec.labels) at(file, b, address, `a ${b.type} block takes ${spec.labels} label${spec.labels === 1 ? '' : 's'}, got ${b.labels.length}`);
        if (spec.arguments) checkBody(scope, b.body, spec.arguments, '', 'Terraform', { countBlocks: true });
        if (b.type === 'variable') {
          // a variable's type and validation talk about the variable itself, not about other objects
          for (const x of b.body) if (x.kind === 'attribute' && x.name === 'default') checkExpression(scope, x.tokens);
        } else if (b.type === 'import' || b.type === 'moved' || b.type === 'removed') {
          for (const x of b.body) {
            if (x.kind !== 'attribute') continue;
            if (x.name === 'to' || x.name === 'from') {
              const [r] = referencesIn(x.tokens);
              const addr = r ? (r.root.text === 'data' ? `data.${(r.steps[0] as { attr?: string })?.attr}.${(r.steps[1] as { attr?: string })?.attr}` : `${r.root.text}.${(r.steps[0] as { attr?: string })?.attr}`) : '?';
              if (x.name === 'to' && !declared.has(addr)) at(file, x, address, `to = ${addr}: no resource ${JSON.stringify(addr)} is declared in this module`);
              if (x.name === 'to' && b.type === 'import') imports.push({ file, block: b, to: x, address: addr });
            } else if (x.name !== 'provider') checkExpression(scope, x.tokens);
          }
        } else if (b.type !== 'module' && b.type !== 'check') checkAllExpressions(scope, b.body, scope);
      } else {
        at(file, b, b.type, `unknown top-level block ${JSON.stringify(b.type)}`);
      }
    }
  }
  // A provider whose configuration has a required block or argument (azurerm: features) needs a provider block:
  // without one Terraform configures it empty and the provider refuses.
  const used = new Set([...declared.values()].map((d) => providerOfType(d.type)));
  for (const name of used) {
    if (providerBlocks.has(name)) continue;
    const s = providerSchemas(name)[0];
    const needed = s ? Object.entries(s.provider_config.arguments).filter(([, a]) => a.required || (a.min_items ?? 0) > 0).map(([n]) => n) : [];
    const first = [...declared.values()].find((d) => providerOfType(d.type) === name) as Declared;
    if (needed.length > 0) at(first.file, first.block, `provider.${name}`, `no provider "${name}" block, and ${s ? label(s) : name} requires ${needed.join(', ')} in it`);
  }
  // Terraform must meet every required_version: a version is admitted when all of them allow it.
  const requiredVersion = requiredVersions[requiredVersions.length - 1];
  const admits = (version: string) => requiredVersions.every((c) => versionAllowed(version, c.value));
  if (needs111) {
    if (!requiredVersion) at(needs111.file, needs111.node, needs111.address, `${needs111.what} needs Terraform >= 1.11 (write-only arguments), but no terraform.required_version says so`);
    else if (admits('1.10.99')) {
      at(requiredVersion.file, requiredVersion.node, 'terraform', `required_version ${JSON.stringify(requiredVersion.value)} admits Terraform < 1.11, which has no write-only arguments (${needs111.what} at ${needs111.file}:${needs111.node.line})`);
    }
  }
  const firstImport = imports[0];
  if (firstImport && (!requiredVersion || admits('1.4.99'))) {
    at(firstImport.file, firstImport.block, 'import', `import blocks need Terraform >= 1.5, but ${requiredVersion ? `required_version ${JSON.stringify(requiredVersions.map((c) => c.value).join(' and '))} admits older` : 'no terraform.required_version says so'}`);
  }
  const importedAt = new Map<string, string>();
  for (const imp of imports) {
    const prior = importedAt.get(imp.address);
    if (prior) at(imp.file, imp.block, 'import', `to = ${imp.address}: a second import block for this address (first at ${prior})`);
    importedAt.set(imp.address, `${imp.file}:${imp.block.line}`);
    const target = declared.get(imp.address);
    if (!target) continue;
    if (target.kind !== 'resource') {
      at(imp.file, imp.to, 'import', `to = ${imp.address}: only managed resources can be imported, not a data source`);
      continue;
    }
    const idNode = imp.block.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === 'id');
    const id = idNode && valueOf(idNode.tokens);
    if (!idNode || id?.kind !== 'string' || id.value === undefined) {
      at(imp.file, idNode ?? imp.block, 'import', `to = ${imp.address}: the id is not a literal string (Terraform 1.5 takes only literals)`);
      continue;
    }
    const rule = IMPORT_ID_FORMATS[target.type];
    if (!rule) {
      at(imp.file, idNode, 'import', `to = ${imp.address}: no import ID format known for ${target.type} (add it to IMPORT_ID_FORMATS)`);
      continue;
    }
    const m = rule.format.exec(id.value);
    if (!m) {
      at(imp.file, idNode, 'import', `id ${JSON.stringify(id.value)} is not in the import ID format of ${target.type} (${rule.doc})`);
      continue;
    }
    for (const [group, part] of Object.entries(m.groups ?? {})) {
      const argument = group.replace(/[0-9]+$/, '');
      const arg = target.block.body.find((x): x is AttrNode => x.kind === 'attribute' && x.name === argument);
      const literal = arg && valueOf(arg.tokens);
      if (literal?.kind === 'string' && literal.value !== undefined && literal.value !== part) {
        at(imp.file, idNode, 'import', `id ${JSON.stringify(id.value)} names ${argument} ${JSON.stringify(part)}, but ${imp.address} has ${argument} = ${JSON.stringify(literal.value)}`);
      }
    }
  }
  return { problems, notes: [...new Set(notes)], blocks };
}
