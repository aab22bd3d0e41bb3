// Reads back the Terraform wi-gen writes (src/format/hcl.ts): blocks with labels, attributes,
// strings, numbers, booleans, references, lists, objects and function calls. Enough HCL for the
// parity test to compare what Terraform would create with what the scripts do; anything outside
// that subset is an error, so a new construct in the writer is noticed rather than misread.

export type HclRead =
  | string
  | number
  | boolean
  | null
  | { readonly ref: string }
  | { readonly call: string; readonly args: readonly HclRead[] }
  | readonly HclRead[]
  | { readonly [key: string]: HclRead };

export interface ReadBlock {
  readonly type: string;
  readonly labels: readonly string[];
  readonly attrs: Readonly<Record<string, HclRead>>;
  readonly blocks: readonly ReadBlock[];
}

export const isRef = (v: HclRead | undefined): v is { ref: string } => typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { ref?: unknown }).ref === 'string';
export const isCall = (v: HclRead | undefined): v is { call: string; args: HclRead[] } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { call?: unknown }).call === 'string';

type Token = { kind: 'string' | 'ident' | 'number' | 'punct' | 'newline'; text: string; line: number };

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const fail = (msg: string): never => {
    throw new Error(`${file}:${line}: ${msg}`);
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '\n') {
      tokens.push({ kind: 'newline', text: '\n', line });
      line++;
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') i++;
    else if (ch === '#') while (i < text.length && text[i] !== '\n') i++;
    else if (ch === '"') {
      let out = '';
      i++;
      while (text[i] !== '"') {
        if (i >= text.length || text[i] === '\n') fail('unterminated string');
        const c = text[i] as string;
        if (c === '\\') {
          const e = text[i + 1] as string;
          const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
          if (e in simple) {
            out += simple[e];
            i += 2;
          } else if (e === 'u') {
            out += String.fromCodePoint(parseInt(text.slice(i + 2, i + 6), 16));
            i += 6;
          } else fail(`unknown escape \\${e}`);
        } else if ((c === '$' || c === '%') && text[i + 1] === c && text[i + 2] === '{') {
          out += `${c}{`;
          i += 3;
        } else if ((c === '$' || c === '%') && text[i + 1] === '{') {
          fail('template interpolation is outside the subset wi-gen writes');
        } else {
          out += c;
          i++;
        }
      }
      i++;
      tokens.push({ kind: 'string', text: out, line });
    } else if (/[A-Za-z_]/.test(ch)) {
      // A reference or keyword: identifiers joined by `.`, with `[N]` index steps.
      const m = /^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'ident', text: m[0], line });
      i += m[0].length;
    } else if (/[0-9-]/.test(ch)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i));
      if (!m) fail(`unexpected ${ch}`);
      tokens.push({ kind: 'number', text: (m as RegExpExecArray)[0], line });
      i += (m as RegExpExecArray)[0].length;
    } else if ('{}[](),='.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, line });
      i++;
    } else fail(`unexpected character ${JSON.stringify(ch)}`);
  }
  return tokens;
}

/** Parses one .tf file written by wi-gen; throws `file:line: message` on anything else. */
export function readHcl(text: string, file = 'main.tf'): ReadBlock[] {
  // Operator expressions (a postcondition's `condition = lower(x) == "y"`) are kept as their
  // text, a reference named `expr:…`: no check here evaluates them.
  const operators = text.replace(/^(\s*[A-Za-z_][A-Za-z0-9_]*\s*=\s*)(.*\s(?:==|!=|&&|\|\|)\s.*)$/gm, (_m, head: string, expression: string) => {
    return `${head}"\u0000expr:${expression.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, '$${')}"`;
  });
  const tokens = tokenize(operators, file);
  let p = 0;
  const peek = () => tokens[p];
  const fail = (msg: string): never => {
    throw new Error(`${file}:${peek()?.line ?? 'end'}: ${msg}`);
  };
  const skipNewlines = () => {
    while (peek()?.kind === 'newline') p++;
  };
  const expect = (text: string) => {
    if (peek()?.text !== text) fail(`expected ${text}, found ${peek()?.text ?? 'end of file'}`);
    p++;
  };

  function value(): HclRead {
    skipNewlines();
    const t = peek() ?? fail('expected a value');
    if (t.kind === 'string') {
      p++;
      return t.text.startsWith('\u0000expr:') ? { ref: t.text.slice('\u0000expr:'.length) } : t.text;
    }
    if (t.kind === 'number') {
      p++;
      return Number(t.text);
    }
    if (t.kind === 'ident') {
      p++;
      if (t.text === 'true' || t.text === 'false') return t.text === 'true';
      if (t.text === 'null') return null;
      if (peek()?.text === '(') {
        p++;
        const args: HclRead[] = [];
        skipNewlines();
        while (peek()?.text !== ')') {
          args.push(value());
          skipNewlines();
          if (peek()?.text === ',') p++;
          skipNewlines();
        }
        p++;
        return { call: t.text, args };
      }
      return { ref: t.text };
    }
    if (t.text === '[') {
      p++;
      const items: HclRead[] = [];
      skipNewlines();
      while (peek()?.text !== ']') {
        items.push(value());
        skipNewlines();
        if (peek()?.text === ',') p++;
        skipNewlines();
      }
      p++;
      return items;
    }
    if (t.text === '{') {
      p++;
      const obj: Record<string, HclRead> = {};
      skipNewlines();
      while (peek()?.text !== '}') {
        const k = peek() ?? fail('unterminated object');
        if (k.kind !== 'string' && k.kind !== 'ident') fail(`expected an object key, found ${k.text}`);
        p++;
        expect('=');
        obj[k.text] = value();
        skipNewlines();
        if (peek()?.text === ',') p++;
        skipNewlines();
      }
      p++;
      return obj;
    }
    return fail(`unexpected ${t.text}`);
  }

  function body(): { attrs: Record<string, HclRead>; blocks: ReadBlock[] } {
    const attrs: Record<string, HclRead> = {};
    const blocks: ReadBlock[] = [];
    for (;;) {
      skipNewlines();
      const t = peek();
      if (!t || t.text === '}') return { attrs, blocks };
      if (t.kind !== 'ident') fail(`expected an attribute or block, found ${t.text}`);
      p++;
      if (peek()?.text === '=') {
        p++;
        if (t.text in attrs) fail(`attribute ${t.text} set twice`);
        attrs[t.text] = value();
        continue;
      }
      const labels: string[] = [];
      while (peek()?.kind === 'string') labels.push((tokens[p++] as Token).text);
      expect('{');
      const inner = body();
      expect('}');
      blocks.push({ type: t.text, labels, ...inner });
    }
  }

  const top = body();
  if (p < tokens.length) fail(`unexpected ${peek()?.text}`);
  if (Object.keys(top.attrs).length > 0) fail('attributes outside a block');
  return top.blocks;
}

/** Every top-level block of every `.tf` file of a rendered tree (files under cloud/terraform/). */
export function terraformBlocksOf(files: ReadonlyMap<string, string>): ReadBlock[] {
  return [...files].filter(([path]) => /^cloud\/terraform\/[^/]+\.tf$/.test(path)).flatMap(([path, text]) => readHcl(text, path));
}
