/**
 * The whole spec. Identity blocks come from the method registry, so a new method extends the
 * schema (and the JSON Schema editors use) without touching this file.
 */
import { z } from 'zod';
import { METHODS } from '../methods/registry.js';
import { WORKLOAD_KINDS } from '../model/model.js';
import { absentBlock, EVERY_BLOCK, exactlyOneBlock, lazily, namespaceName, objectName, optionalBlock, specName, type NamedBlocks } from '../schema/common.js';
import { clusterSchema } from '../schema/cluster.js';
import { certManagerSchema } from '../schema/cert-manager.js';

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
 * An identity with the real blocks of the methods `named` names and the rest absent. For the keys
 * a spec names it parses exactly as the full schema (same blocks, same keys, same refinement).
 */
function identitySchema(named: NamedBlocks) {
  const blocks = Object.fromEntries(METHODS.map((m) => [m.key, named(m.key) ? methodBlock(m) : absentBlock<z.ZodOptional<z.ZodType>>()])) as Record<string, z.ZodOptional<z.ZodType>>;
  return z
    .strictObject({
      name: specName('an identity name').describe('Name that bindings and issuers use to refer to this identity.'),
      ...blocks,
    })
    .superRefine(exactlyOneBlock(METHOD_KEYS, 'identity method block', 'an identity uses exactly one method'))
    .describe('A cloud identity, by name, with exactly one method block.');
}

const WorkloadSchema = lazily(() =>
  z
    .strictObject({
      kind: z.enum(WORKLOAD_KINDS).describe('Workload kind; its pod template gets the ServiceAccount.'),
      name: objectName().describe('Workload name in the ServiceAccount namespace.'),
    })
    .describe('A workload that must run as the bound ServiceAccount.'),
);

const BindingSchema = lazily(() =>
  z
    .strictObject({
      identity: specName('an identity name').describe('Name of an entry in identities.'),
      serviceAccount: z.strictObject({
        namespace: namespaceName().describe('Namespace of the ServiceAccount (and of its workloads).'),
        name: objectName().describe('ServiceAccount name.'),
        create: z
          .boolean()
          .default(true)
          .describe('true: wi-gen emits the ServiceAccount; false: it exists elsewhere and gets a patch. @default true'),
        automountToken: z
          .boolean()
          .default(false)
          .describe('automountServiceAccountToken of a created ServiceAccount; cloud identity does not need it. @default false'),
      }).describe('The Kubernetes ServiceAccount bound to the identity.'),
      workloads: z.array(WorkloadSchema()).default([]).describe('Workloads that run as this ServiceAccount.'),
    })
    .describe('Binds one Kubernetes ServiceAccount to one identity.'),
);

/** Keys a KRM function config or kustomize generator config carries; ignored by the renderer. */
const MetadataSchema = lazily(() =>
  z
    .object({
      name: z.string().optional(),
      annotations: z.record(z.string(), z.string()).optional(),
      labels: z.record(z.string(), z.string()).optional(),
    })
    .describe('Object metadata, for use as a kustomize generator or KRM function config.'),
);

/** The spec, with the blocks `named` names (every block of the full schema where it names all). */
function specSchemaWith(named: NamedBlocks) {
  return z
    .strictObject({
      apiVersion: z.literal(API_VERSION, { error: `must be ${API_VERSION}` }).describe(`Always ${API_VERSION}.`),
      kind: z.literal(KIND, { error: `must be ${KIND}` }).describe(`Always ${KIND}.`),
      metadata: optionalBlock(named, 'metadata', MetadataSchema),
      cluster: clusterSchema(named),
      identities: z.array(identitySchema(named)).min(1, { message: 'needs at least one identity' }),
      bindings: z.array(BindingSchema()).default([]),
      certManager: optionalBlock(named, 'certManager', () => certManagerSchema(named)),
    })
    .describe('wi-gen spec: cloud identities, the Kubernetes ServiceAccounts bound to them, and cert-manager issuers.');
}

let fullSpecSchema: ReturnType<typeof specSchemaWith> | undefined;
/** The whole spec with every block: for the JSON Schema, and to describe problems. */
export function specSchema(): ReturnType<typeof specSchemaWith> {
  fullSpecSchema ??= specSchemaWith(EVERY_BLOCK);
  return fullSpecSchema;
}

/** The keys of an object, or none. */
const keysOf = (value: unknown): string[] => (typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.keys(value) : []);

/**
 * The optional blocks `raw` names, by key: the method blocks of its identities, the cloud block of
 * its cluster, the provider blocks of its dns01 solvers, certManager itself, and metadata (a KRM
 * function config's; its records are the only ones in the spec). Keys of other
 * places are never block keys there, so one set serves them all (a key that is a block key in two
 * places only builds a block more).
 */
function namedBlocks(raw: unknown): Set<string> {
  const spec = raw as { cluster?: unknown; identities?: unknown; certManager?: { issuers?: unknown } } | null;
  const named = new Set<string>(keysOf(spec?.cluster));
  if (spec !== null && typeof spec === 'object' && Object.hasOwn(spec, 'metadata')) named.add('metadata');
  if (Array.isArray(spec?.identities)) for (const identity of spec.identities) for (const key of keysOf(identity)) named.add(key);
  if (spec !== null && typeof spec === 'object' && Object.hasOwn(spec, 'certManager')) {
    named.add('certManager');
    const issuers = spec.certManager?.issuers;
    if (Array.isArray(issuers)) for (const issuer of issuers) for (const key of keysOf((issuer as { dns01?: unknown } | null)?.dns01)) named.add(key);
  }
  return named;
}

const parsingSchemas = new Map<string, ReturnType<typeof specSchemaWith>>();
/**
 * The schema that parses `raw` as specSchema() would, building only the optional blocks it names
 * (any key there counts, whatever its value): a spec names one cloud, one or two methods and one
 * DNS provider, and building the rest would be most of the time a small spec takes to parse.
 */
export function specSchemaFor(raw: unknown): ReturnType<typeof specSchemaWith> {
  const named = namedBlocks(raw);
  const id = [...named].sort().join(',');
  let schema = parsingSchemas.get(id);
  if (!schema) {
    schema = specSchemaWith((key) => named.has(key));
    parsingSchemas.set(id, schema);
  }
  return schema;
}

/** The whole schema as a value, for tests and tools; a bundle that never reads it never builds it. */
export const SpecSchema = /* @__PURE__ */ specSchema();

export type Spec = z.output<typeof SpecSchema>;
