/**
 * Template placeholders: `<UPPER_SNAKE_CASE>` tokens that `wi-gen init` leaves for the operator
 * to fill. A spec still holding one is refused wherever the token sits (even in a free-text
 * field that would otherwise accept it), so a half-edited template can never render.
 */
import { isMap, isPair, isScalar, isSeq, type Node } from 'yaml';
import type { SpecPath } from '../model/diagnostics.js';
import { someString } from './some-string.js';

export const PLACEHOLDER = /<[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*>/g;

interface PlaceholderHit {
  readonly path: SpecPath;
  /** Offset of the first token in the source text. */
  readonly offset: number;
  readonly tokens: readonly string[];
}

/** Every scalar (key or value) of the YAML tree that still holds a placeholder, in document order. */
export function findPlaceholders(root: Node | null | undefined, source: string): PlaceholderHit[] {
  const hits: PlaceholderHit[] = [];
  const scalar = (node: unknown, path: SpecPath): void => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range) return;
    const tokens = [...new Set(node.value.match(PLACEHOLDER) ?? [])];
    if (tokens.length === 0) return;
    // Point at the token itself, not at the start of a long value or at its opening quote.
    const at = source.slice(node.range[0], node.range[1]).indexOf(tokens[0] as string);
    hits.push({ path, offset: node.range[0] + Math.max(at, 0), tokens });
  };
  const walk = (node: unknown, path: SpecPath): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        scalar(pair.key, [...path, key]);
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item, [...path, i]));
    } else {
      scalar(node, path);
    }
  };
  walk(root, []);
  return hits;
}

const ONE_PLACEHOLDER = new RegExp(PLACEHOLDER.source);

/**
 * Whether any key or string of a plain value holds a placeholder: the same scalars
 * `findPlaceholders` reads, for the fast path, which has values but no nodes.
 */
export function holdsPlaceholder(value: unknown): boolean {
  return someString(value, hasPlaceholder, true);
}

/** A token starts with `<`: most strings have none and skip the pattern. */
const hasPlaceholder = (text: string): boolean => text.includes('<') && ONE_PLACEHOLDER.test(text);

export function placeholderMessage(tokens: readonly string[]): string {
  const list = tokens.join(', ');
  return tokens.length === 1
    ? `placeholder ${list} is not filled in; replace it with a real value`
    : `placeholders ${list} are not filled in; replace them with real values`;
}
