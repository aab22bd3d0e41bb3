/**
 * A small HCL writer whose output is already in `terraform fmt` form (two-space indent,
 * `=` aligned across consecutive attribute lines, objects one key per line), so generated
 * Terraform passes `terraform fmt -check` without running terraform.
 */

/** A raw HCL expression such as `google_service_account.dns.name`; never user text. */
export class HclExpression {
  constructor(readonly text: string) {}
}

export const expr = (text: string): HclExpression => new HclExpression(text);

/**
 * A function call such as `jsonencode({...})`. Only the last argument may span lines, which is
 * the layout `terraform fmt` keeps: `name = jsonencode({` … `})`.
 */
class HclCall {
  constructor(
    readonly name: string,
    readonly args: readonly HclValue[],
  ) {}
}

export const call = (name: string, ...args: readonly HclValue[]): HclCall => new HclCall(name, args);

export type HclValue =
  | string
  | number
  | boolean
  | HclExpression
  | HclCall
  | readonly HclValue[]
  | { readonly [key: string]: HclValue };

interface HclAttribute {
  readonly kind: 'attribute';
  readonly name: string;
  readonly value: HclValue;
}

export interface HclBlock {
  readonly kind: 'block';
  readonly type: string;
  readonly labels: readonly string[];
  readonly body: readonly HclBodyItem[];
}

/** An empty line inside a body; it separates alignment groups as in hand-written HCL. */
interface HclBlank {
  readonly kind: 'blank';
}

interface HclComment {
  readonly kind: 'comment';
  readonly text: string;
}

export type HclBodyItem = HclAttribute | HclBlock | HclBlank | HclComment;

export const attr = (name: string, value: HclValue): HclAttribute => ({ kind: 'attribute', name, value });
export const block = (type: string, labels: readonly string[], body: readonly HclBodyItem[]): HclBlock => ({
  kind: 'block',
  type,
  labels,
  body,
});
export const blank: HclBlank = { kind: 'blank' };
export const comment = (text: string): HclComment => ({ kind: 'comment', text });

/** A character hclString escapes, or the start of an interpolation or a directive. */
const NEEDS_ESCAPE = /["\\\p{Cc}\u2028\u2029]|[$%]\{/u;

/** Quote a string as an HCL template literal, escaping interpolation and directives. */
export function hclString(value: string): string {
  // Most values need no escape: quoted as they are, without building the string a character at a time.
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  let out = '"';
  for (const ch of value) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\t':
        out += '\\t';
        break;
      default:
        // Other control characters are not valid raw in an HCL string; \uNNNN is.
        out += /[\p{Cc}\u2028\u2029]/u.test(ch) ? `\\u${(ch.codePointAt(0) as number).toString(16).padStart(4, '0')}` : ch;
    }
  }
  // `${` and `%{` start interpolation and directives; doubling the sigil makes them literal.
  return out.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{') + '"';
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

function isObject(value: HclValue): value is { readonly [key: string]: HclValue } {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof HclExpression) && !(value instanceof HclCall);
}

function inlineValue(value: HclValue): string | undefined {
  if (typeof value === 'string') return hclString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof HclExpression) return value.text;
  if (value instanceof HclCall) {
    const parts = value.args.map(inlineValue);
    if (parts.some((p) => p === undefined)) return undefined;
    return `${value.name}(${parts.join(', ')})`;
  }
  if (Array.isArray(value)) {
    const parts = value.map(inlineValue);
    if (parts.some((p) => p === undefined)) return undefined;
    return `[${parts.join(', ')}]`;
  }
  // Objects are written one key per line; only the empty object has nothing to put on them.
  return Object.keys(value).length === 0 ? '{}' : undefined;
}

function objectKey(key: string): string {
  return IDENTIFIER.test(key) ? key : hclString(key);
}

/**
 * A value as the text after `name = ` plus the lines that follow it, the last of which closes it.
 * Single-line values have no following lines.
 */
function valueLines(value: HclValue, indent: string): { first: string; rest: string[] } {
  const inline = inlineValue(value);
  if (inline !== undefined) return { first: inline, rest: [] };
  if (value instanceof HclCall) {
    const leading = value.args.slice(0, -1).map((a) => {
      const text = inlineValue(a);
      if (text === undefined) throw new Error(`${value.name}(): only the last argument may span lines`);
      return text;
    });
    const last = valueLines(value.args[value.args.length - 1] as HclValue, indent);
    const closing = last.rest.pop() as string;
    return { first: `${value.name}(${[...leading, last.first].join(', ')}`, rest: [...last.rest, `${closing})`] };
  }
  if (isObject(value)) {
    const inner = renderAssignments(
      Object.keys(value).map((k) => ({ name: objectKey(k), value: value[k] as HclValue })),
      indent + '  ',
    );
    return { first: '{', rest: [...inner, `${indent}}`] };
  }
  // A list holding objects or calls: one element per line, each followed by a comma.
  const rest: string[] = [];
  for (const item of value as readonly HclValue[]) {
    const lines = valueLines(item, indent + '  ');
    rest.push(`${indent}  ${lines.first}`, ...lines.rest);
    rest[rest.length - 1] += ',';
  }
  return { first: '[', rest: [...rest, `${indent}]`] };
}

/** Lines of `name = value`, where a multi-line value opens a nested, separately aligned body. */
function attributeLines(name: string, value: HclValue, indent: string): { head: string; tail: string[] } {
  const { first, rest } = valueLines(value, indent);
  return { head: `${name} = ${first}`, tail: rest };
}

/**
 * terraform fmt aligns `=` over a run of consecutive single-line assignments; a line without
 * one (a closing brace, a blank, a block header) ends the run.
 */
function renderAssignments(items: readonly { name: string; value: HclValue }[], indent: string): string[] {
  const out: string[] = [];
  let run: { name: string; rest: string; tail: string[] }[] = [];
  const flush = () => {
    const width = Math.max(...run.map((r) => r.name.length));
    for (const r of run) {
      out.push(`${indent}${r.name.padEnd(width)} ${r.rest}`);
      out.push(...r.tail);
    }
    run = [];
  };
  for (const item of items) {
    const { head, tail } = attributeLines(item.name, item.value, indent);
    if (tail.length === 0) {
      run.push({ name: item.name, rest: head.slice(item.name.length + 1), tail });
      continue;
    }
    // A multi-line value stands alone: terraform fmt neither aligns its head nor continues the run.
    if (run.length > 0) flush();
    out.push(`${indent}${head}`, ...tail);
  }
  if (run.length > 0) flush();
  return out;
}

function renderBody(body: readonly HclBodyItem[], indent: string): string[] {
  const out: string[] = [];
  let pending: { name: string; value: HclValue }[] = [];
  const flush = () => {
    out.push(...renderAssignments(pending, indent));
    pending = [];
  };
  for (const item of body) {
    if (item.kind === 'attribute') {
      pending.push({ name: item.name, value: item.value });
      continue;
    }
    flush();
    if (item.kind === 'blank') out.push('');
    else if (item.kind === 'comment') out.push(...item.text.split('\n').map((l) => `${indent}# ${l}`.trimEnd()));
    else out.push(...renderBlock(item, indent));
  }
  flush();
  return out;
}

function renderBlock(b: HclBlock, indent: string): string[] {
  const header = [b.type, ...b.labels.map(hclString)].join(' ');
  if (b.body.length === 0) return [`${indent}${header} {}`];
  return [`${indent}${header} {`, ...renderBody(b.body, indent + '  '), `${indent}}`];
}

/** A whole file: top-level blocks separated by one blank line, ending with a newline. */
export function renderHcl(items: readonly (HclBlock | HclComment)[]): string {
  return Array.from(renderHclParts(items)).join('');
}

/** renderHcl's text a top-level item at a time, made as it is read: a file of thousands of blocks is never one string. */
export function* renderHclParts(items: readonly (HclBlock | HclComment)[]): Generator<string> {
  for (const [i, item] of items.entries()) {
    const lines = item.kind === 'comment' ? renderBody([item], '') : renderBlock(item, '');
    yield `${i > 0 ? '\n\n' : ''}${lines.join('\n')}`;
  }
  yield '\n';
}
