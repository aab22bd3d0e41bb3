/**
 * Values that are credentials by their shape. A spec never holds a secret (wi-gen's method is
 * keyless), so where a value has one of the shapes below it is refused; the one shape that an
 * ordinary value can also have (40 base64 characters, an AWS secret access key) only warns.
 * Patterns are facts about the credential formats: PEM armor (RFC 7468), JWT (RFC 7519: base64url
 * JSON header `{"` = `eyJ`), Entra ID client secrets (three characters, a digit, `Q~`), AWS key IDs.
 */
import type { SpecPath } from '../model/diagnostics.js';
import { someString } from './some-string.js';
import { isAsciiDigit, isAsciiLetter } from '../format/names.js';

interface SecretShape {
  readonly what: string;
  readonly pattern: RegExp;
  /**
   * True wherever the pattern matches (a literal every match contains, or a long enough run of the
   * key's characters), and cheap: the patterns, costly to compile, meet only strings that pass it.
   * test/fast-yaml.test.ts checks that it never turns a match away.
   */
  readonly mayMatch: (value: string) => boolean;
  /** True when nothing but a credential has this shape: refused; otherwise a warning. */
  readonly certain: boolean;
}

/** Whether `value` has `length` characters in a row of [A-Za-z0-9/+] (the AWS secret key alphabet). */
function hasBase64Run(value: string, length: number): boolean {
  let run = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const inAlphabet = isAsciiLetter(c) || isAsciiDigit(c) || c === 47 || c === 43;
    run = inAlphabet ? run + 1 : 0;
    if (run >= length) return true;
  }
  return false;
}

export const SHAPES: readonly SecretShape[] = [
  { what: 'a PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, mayMatch: (v) => v.includes('-----BEGIN '), certain: true },
  {
    what: 'a JSON Web Token (a bearer credential)',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/,
    mayMatch: (v) => v.includes('eyJ'),
    certain: true,
  },
  {
    what: 'an Azure client secret',
    pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/,
    mayMatch: (v) => v.includes('Q~'),
    certain: true,
  },
  { what: 'an AWS access key ID', pattern: /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Z0-9])/, mayMatch: (v) => v.includes('AKIA') || v.includes('ASIA'), certain: true },
  {
    what: 'an AWS secret access key',
    pattern: /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[0-9])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/,
    mayMatch: (v) => hasBase64Run(v, 40),
    certain: false,
  },
];

/**
 * No shape above matches fewer characters: the shortest is an AWS access key ID (4 + 16); PEM
 * armor needs 27, an Azure secret 37, a JWT and an AWS secret key 40. Shorter strings (names,
 * namespaces: most of a spec) skip the patterns. test/fast-yaml.test.ts checks each shape's
 * shortest match against this bound.
 */
export const SHORTEST_SECRET = 20;

/** Whether the string has one of the shapes; `findSecretValues` says which and where. */
function secretShapeOf(value: string): SecretShape | undefined {
  return value.length < SHORTEST_SECRET ? undefined : SHAPES.find((s) => s.mayMatch(value) && s.pattern.test(value));
}

/** Whether any string of a parsed spec has a credential's shape (warning shapes included). */
export function holdsSecretShape(value: unknown): boolean {
  return someString(value, (text) => secretShapeOf(text) !== undefined, false);
}

interface SecretHit {
  readonly path: SpecPath;
  /** The value itself: only to keep other messages from quoting it, never printed. */
  readonly value: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
}

/** Every string in a parsed spec that has a credential's shape. Never repeats the value. */
export function findSecretValues(value: unknown, path: SpecPath = []): SecretHit[] {
  if (typeof value === 'string') {
    const shape = secretShapeOf(value);
    if (!shape) return [];
    return [
      {
        path,
        value,
        severity: shape.certain ? 'error' : 'warning',
        message: shape.certain
          ? `looks like ${shape.what}; a wi-gen spec never holds a secret, and everything in it reaches the generated files. Remove it (and rotate it if it was real)`
          : `may be ${shape.what}; a wi-gen spec never holds a secret, and this value reaches the generated files. If it is one, remove it and rotate it`,
      },
    ];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => findSecretValues(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => findSecretValues(v, [...path, k]));
  return [];
}
