/**
 * The whole spec. Identity blocks come from the method registry, so a new method extends the
 * schema (and the JSON Schema editors use) without touching this file.
 */
import { z } from 'zod';
import { METHODS } from '../methods/registry.js';
import { WORKLOAD_KINDS } from '../model/model.js';
import { namespaceName, objectName, specName } from '../schema/common.js';
import { ClusterSchema } from '../schema/cluster.js';
import { CertManagerSchema } from '../schema/cert-manager.js';

const API_VERSION = 'wi-gen.dev/v1alpha1';
const KIND = 'WorkloadIdentitySpec';

export const METHOD_KEYS = METHODS.map((m) => m.key);

/** Each method's block, built on first use: building all eight costs more than parsing a small spec. */
const methodBlocks = new Map<string, z.ZodOptional<z.ZodType>>();
function methodBlock(method: (typeof METHODS)[number]): z.ZodOptional<z.ZodType> {
  let block = methodBlocks.get(method.key);
  if (!block) {
    block = (method.schema() as z.ZodType).optional().describe(method.description);
    methodBlocks.set(method.key, block);
  }
  return block;
}

/**
 * Stands for the block of a method no identity of the spec being parsed names: its key is absent
 * from every identity there, and an absent optional key is never looked at.
 */
const ABSENT_BLOCK = z.undefined().optional();

/**
 * An identity with the real blocks of the methods in `used` and the rest absent. For the keys
 * a spec names it parses exactly as the full schema (same blocks, same keys, same refinement).
 */
function identitySchema(used: (key: string) => boolean) {
  const blocks = Object.fromEntries(METHODS.map((m) => [m.key, used(m.key) ? methodBlock(m) : ABSENT_BLOCK])) as Record<string, z.ZodOptional<z.ZodType>>;
  return z
    .strictObject({
      name: specName('an identity name').describe('Name that bindings and issuers use to refer to this identity.'),
      ...blocks,
    })
    .superRefine((value, ctx) => {
      const present = METHOD_KEYS.filter((k) => (value as Record<string, unknown>)[k] !== undefined);
      if (present.length !== 1) {
        ctx.addIssue({
          code: 'custom',
          message:
            present.length === 0
              ? `needs one identity method block: ${METHOD_KEYS.join(', ')}`
              : `has ${present.join(' and ')}; an identity uses exactly one method`,
        });
      }
    })
    .describe('A cloud identity, by name, with exactly one method block.');
}

const WorkloadSchema = z
  .strictObject({
    kind: z.enum(WORKLOAD_KINDS).describe('Workload kind; its pod template gets the ServiceAccount.'),
    name: objectName.describe('Workload name in the ServiceAccount namespace.'),
  })
  .describe('A workload that must run as the bound ServiceAccount.');

const BindingSchema = z
  .strictObject({
    identity: specName('an identity name').describe('Name of an entry in identities.'),
    serviceAccount: z.strictObject({
      namespace: namespaceName.describe('Namespace of the ServiceAccount (and of its workloads).'),
      name: objectName.describe('ServiceAccount name.'),
      create: z
        .boolean()
        .default(true)
        .describe('true: wi-gen emits the ServiceAccount; false: it exists elsewhere and gets a patch. @default true'),
      automountToken: z
        .boolean()
        .default(false)
        .describe('automountServiceAccountToken of a created ServiceAccount; cloud identity does not need it. @default false'),
    })
      .describe('The Kubernetes ServiceAccount bound to the identity.'),
    workloads: z.array(WorkloadSchema).default([]).describe('Workloads that run as this ServiceAccount.'),
  })
  .describe('Binds one Kubernetes ServiceAccount to one identity.');

/** Keys a KRM function config or kustomize generator config carries; ignored by the renderer. */
const MetadataSchema = z
  .object({
    name: z.string().optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
  })
  .describe('Object metadata, for use as a kustomize generator or KRM function config.');

/** The spec, with the given identity schema. */
function specSchemaWith(identity: ReturnType<typeof identitySchema>) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION, { error: `must be ${API_VERSION}` }).describe(`Always ${API_VERSION}.`),
      kind: z.literal(KIND, { error: `must be ${KIND}` }).describe(`Always ${KIND}.`),
      metadata: MetadataSchema.optional(),
      cluster: ClusterSchema,
      identities: z.array(identity).min(1, { message: 'needs at least one identity' }),
      bindings: z.array(BindingSchema).default([]),
      certManager: CertManagerSchema.optional(),
    })
    .describe('wi-gen spec: cloud identities, the Kubernetes ServiceAccounts bound to them, and cert-manager issuers.');
}

let fullSpecSchema: ReturnType<typeof specSchemaWith> | undefined;
/** The whole spec with every method: for the JSON Schema, and to describe problems. */
export function specSchema(): ReturnType<typeof specSchemaWith> {
  fullSpecSchema ??= specSchemaWith(identitySchema(() => true));
  return fullSpecSchema;
}

const parsingSchemas = new Map<string, ReturnType<typeof specSchemaWith>>();
/**
 * The schema that parses `raw` as specSchema() would, building only the blocks of the methods
 * its identities name (any key an identity holds counts, whatever its value).
 */
export function specSchemaFor(raw: unknown): ReturnType<typeof specSchemaWith> {
  const identities = (raw as { identities?: unknown } | null)?.identities;
  const named = new Set<string>();
  if (Array.isArray(identities)) {
    for (const identity of identities) {
      if (typeof identity !== 'object' || identity === null) continue;
      for (const key of METHOD_KEYS) if (Object.hasOwn(identity, key)) named.add(key);
    }
  }
  if (named.size === METHOD_KEYS.length) return specSchema();
  const id = METHOD_KEYS.filter((k) => named.has(k)).join(',');
  let schema = parsingSchemas.get(id);
  if (!schema) {
    schema = specSchemaWith(identitySchema((key) => named.has(key)));
    parsingSchemas.set(id, schema);
  }
  return schema;
}

/** The whole schema as a value, for tests and tools; a bundle that never reads it never builds it. */
export const SpecSchema = /* @__PURE__ */ specSchema();

export type Spec = z.output<typeof SpecSchema>;
