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

const methodBlocks = Object.fromEntries(
  METHODS.map((m) => [m.key, (m.schema as z.ZodType).optional().describe(m.description)]),
) as Record<string, z.ZodOptional<z.ZodType>>;

const IdentitySchema = z
  .strictObject({
    name: specName('an identity name').describe('Name that bindings and issuers use to refer to this identity.'),
    ...methodBlocks,
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

export const SpecSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION, { error: `must be ${API_VERSION}` }).describe(`Always ${API_VERSION}.`),
    kind: z.literal(KIND, { error: `must be ${KIND}` }).describe(`Always ${KIND}.`),
    metadata: MetadataSchema.optional(),
    cluster: ClusterSchema,
    identities: z.array(IdentitySchema).min(1, { message: 'needs at least one identity' }),
    bindings: z.array(BindingSchema).default([]),
    certManager: CertManagerSchema.optional(),
  })
  .describe('wi-gen spec: cloud identities, the Kubernetes ServiceAccounts bound to them, and cert-manager issuers.');

export type Spec = z.output<typeof SpecSchema>;
