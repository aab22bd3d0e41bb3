/**
 * Shared field validators for the spec. Messages say what is expected, because they end up
 * verbatim in `spec.yaml:LINE:COL: path: message` lines that an operator reads in CI.
 */
import { z } from 'zod';

/**
 * A schema built on first use. Building zod schemas is most of what loading wi-gen costs, and a
 * spec names one cloud: the blocks of the others are never built for it (see specSchemaFor).
 */
export function lazily<T>(build: () => T): () => T {
  let built: T | undefined;
  return () => (built ??= build());
}

/** Which optional blocks a spec names, by key; every block is built where this says true. */
export type NamedBlocks = (key: string) => boolean;
export const EVERY_BLOCK: NamedBlocks = () => true;

/**
 * Stands for a block the spec being parsed does not name: its key is absent there, and an absent
 * optional key is never looked at, so the object parses exactly as with the real block.
 */
// never, not undefined: strict objects build a never for their unknown keys anyway, and each zod
// class costs ~0.1 ms the first time one is made.
const absent = lazily(() => z.never().optional());
/** absent, typed as the block it stands for. */
export const absentBlock = <T extends z.ZodType>(): T => absent() as unknown as T;

/** The optional block `key` of an object schema: the real one where the spec names it, else absentBlock. */
export function optionalBlock<T extends z.ZodType>(named: NamedBlocks, key: string, build: () => T): z.ZodOptional<T> {
  return named(key) ? build().optional() : absentBlock<z.ZodOptional<T>>();
}

/** RFC 1123 label: Kubernetes namespaces and most object names. */
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: ServiceAccount and workload names. */
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

// `.check(a, b)` makes the string with both checks in one step, where `.max(…).regex(…)` makes it
// three times; the checks, and so every issue, are the same.
/**
 * The check of an object that holds exactly one of the blocks `keys` (an identity's method, a
 * solver's DNS provider): none or several is one issue on the object, naming them.
 * @param block what a block is, for "needs one …": `identity method block`
 * @param rule the rule, for "has a and b; …": `an identity uses exactly one method`
 */
export function exactlyOneBlock(keys: readonly string[], block: string, rule: string) {
  return (value: unknown, ctx: z.RefinementCtx): void => {
    const present = keys.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (present.length === 1) return;
    ctx.addIssue({ code: 'custom', message: present.length === 0 ? `needs one ${block}: ${keys.join(', ')}` : `has ${present.join(' and ')}; ${rule}` });
  };
}

export const dnsLabel = (what: string) =>
  z.string().check(
    z.maxLength(63, { message: `${what} must be at most 63 characters` }),
    z.regex(DNS1123_LABEL, {
      message: `${what} must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit`,
    }),
  );

const dnsSubdomain = (what: string) =>
  z.string().check(
    z.maxLength(253, { message: `${what} must be at most 253 characters` }),
    z.regex(DNS1123_SUBDOMAIN, {
      message: `${what} must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.'`,
    }),
  );

/** The name every spec-level reference uses (identities, issuers). */
export const specName = (what: string) => dnsLabel(what);

export const namespaceName = lazily(() => dnsLabel('a namespace'));
export const objectName = lazily(() => dnsSubdomain('a name'));

/** GCP project ID: 6-30 characters, starts with a letter, no trailing hyphen. */
const GCP_PROJECT_ID = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
export const gcpProjectId = lazily(() =>
  z.string().regex(GCP_PROJECT_ID, {
    message: 'must be 6-30 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen',
  }),
);

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const guid = (what: string) =>
  z.string().regex(GUID, { message: `${what} must be a GUID such as 00000000-0000-0000-0000-000000000000` });

/** A DNS zone apex such as example.com (no trailing dot, no wildcard). */
const DNS_ZONE = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const dnsZone = lazily(() =>
  z.string().regex(DNS_ZONE, {
    message: 'must be a DNS zone name such as example.com (lowercase, no trailing dot)',
  }),
);

export const email = lazily(() =>
  z.string().regex(/^[^\s@"'`$\\]+@[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/i, {
    message: 'must be an e-mail address such as ops@example.com',
  }),
);

/**
 * Free text (display names) reaches YAML, shell, HCL and Markdown: printable and single-line, no
 * control or bidi-override characters (which can make a reviewed line read differently).
 */
export const safeText = (what: string, max = 256) =>
  z.string().check(
    z.maxLength(max, { message: `${what} must be at most ${max} characters` }),
    z.regex(/^[^\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069`$\\"]*$/u, {
      message: `${what} must be one line without quotes, backticks, '$' or backslashes`,
    }),
  );

/** AWS region codes: eu-west-1, us-gov-west-1, cn-northwest-1, us-isob-east-1, eusc-de-east-1. */
const AWS_REGION = /^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$/;
export const awsRegion = lazily(() => z.string().regex(AWS_REGION, { message: 'must be an AWS region code such as eu-west-1 or us-gov-west-1' }));

export const AWS_ACCOUNT_ID = /^[0-9]{12}$/;

/**
 * The AWS partition of a region: ARNs, service principals and endpoints differ between them,
 * and a role in one partition can never be used from another.
 */
export function awsPartition(region: string): string {
  const prefixes: readonly [string, string][] = [
    ['cn-', 'aws-cn'],
    ['us-gov-', 'aws-us-gov'],
    ['us-iso-', 'aws-iso'],
    ['us-isob-', 'aws-iso-b'],
    ['eu-isoe-', 'aws-iso-e'],
    ['us-isof-', 'aws-iso-f'],
    ['eusc-', 'aws-eusc'],
  ];
  return prefixes.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

export const AWS_PARTITIONS = ['aws', 'aws-cn', 'aws-us-gov', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-eusc'] as const;
