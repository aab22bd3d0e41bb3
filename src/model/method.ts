/**
 * The one interface every cloud identity method implements. A method turns an identity (and
 * the ServiceAccounts bound to it) into both halves of a binding: the Kubernetes side
 * (ServiceAccount metadata, pod-template metadata, cert-manager solver, extra objects) and the
 * cloud side (shell steps and Terraform). Everything generic (Helm values, kustomize patches,
 * file layout, README) is derived from these answers, so adding a method is one new file plus
 * one line in `registry.ts`.
 */
import type { z } from 'zod';
import type { Diagnostics } from './diagnostics.js';
import type { Identity, IssuerModel, Model, ServiceAccountBinding } from './model.js';
import type { CloudGrant } from './cloud-grant.js';
import type { HclBlock, HclBodyItem } from '../format/hcl.js';
import type { Dns01ProviderKey } from '../schema/dns01.js';

type Cloud = 'gcp' | 'azure' | 'aws';

/**
 * The script each cloud's CLI runs in (`cloud/<file>`) and the purpose its header states. A
 * method's `cloud` picks the row: its script sections go there unless they name another file.
 */
export const CLOUD_SCRIPTS: Readonly<Record<Cloud, { readonly file: string; readonly purpose: string }>> = {
  gcp: { file: 'gcloud.sh', purpose: 'Google Cloud side: service accounts and IAM bindings (gcloud, as a project owner or IAM admin).' },
  azure: { file: 'az.sh', purpose: 'Azure side: managed identities, federated credentials and role assignments (az, as an owner of the resource groups).' },
  aws: { file: 'aws.sh', purpose: 'AWS side: IAM roles, trust and permission policies (aws, as an IAM admin).' },
};

export interface MethodContext {
  readonly model: Model;
}

export interface CheckContext extends MethodContext {
  readonly diagnostics: Diagnostics;
}

/** Metadata merged into a ServiceAccount (created, patched, or cert-manager's via Helm). */
export interface ObjectMetadataPatch {
  readonly annotations?: Readonly<Record<string, string>>;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A pod volume a method adds, mounted into every container of the pod. `source` is a Kubernetes
 * Volume without its `name` (`{ projected: { sources: [{ serviceAccountToken: … }] } }`,
 * `{ csi: … }`, `{ emptyDir: {} }`); a projected ServiceAccount token for a custom audience is
 * such a volume (see `serviceAccountTokenVolume`).
 */
interface PodVolume {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  readonly source: Readonly<Record<string, unknown>>;
}

/** An environment variable a method sets in every container of the pod. Plain values only: no secrets in output. */
interface PodEnvVar {
  readonly name: string;
  readonly value: string;
}

/**
 * What a bound workload's pod template needs besides `serviceAccountName`. Labels, annotations,
 * nodeSelector and volumes are pod-level; env and the volumes' mounts go into every container
 * (kustomize Components cannot see container names: see `kustomize.ts` and `containerAdditions`).
 */
export interface PodTemplatePatch {
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly volumes?: readonly PodVolume[];
  readonly env?: readonly PodEnvVar[];
}

/**
 * A projected ServiceAccount token volume: the kubelet writes a token for `audience` at
 * `mountPath/path` and rotates it (Kubernetes `ServiceAccountTokenProjection`: audience,
 * expirationSeconds, path; the kubelet refuses an expiry under 600 s).
 */
export function serviceAccountTokenVolume(
  name: string,
  mountPath: string,
  token: { readonly audience: string; readonly path: string; readonly expirationSeconds?: number },
): PodVolume {
  const projection = { audience: token.audience, ...(token.expirationSeconds ? { expirationSeconds: token.expirationSeconds } : {}), path: token.path };
  return { name, mountPath, readOnly: true, source: { projected: { sources: [{ serviceAccountToken: projection }] } } };
}

/** The Kubernetes Volume (pod level) of a `PodVolume`. */
export const kubeVolume = (v: PodVolume): Record<string, unknown> => ({ name: v.name, ...structuredClone(v.source) });

/** The Kubernetes VolumeMount (container level) of a `PodVolume`. */
export const kubeVolumeMount = (v: PodVolume): Record<string, unknown> => ({ mountPath: v.mountPath, name: v.name, ...(v.readOnly ? { readOnly: true } : {}) });

/** Whether the patch adds anything inside containers (env or volume mounts), which needs the containers' names. */
export const containerAdditions = (pod: PodTemplatePatch): boolean => Boolean(pod.env?.length || pod.volumes?.length);

/**
 * cert-manager controller settings, rendered both as Helm values and as kustomize patches over
 * the static manifest, so the two install paths cannot disagree.
 */
interface CertManagerSettings {
  /** Appended to the controller's args (Helm `extraArgs`). */
  readonly controllerArgs?: readonly string[];
  /** Where controller and cainjector keep leader-election leases (Helm `global.leaderElection.namespace`). */
  readonly leaderElectionNamespace?: string;
}

/** One titled group of commands in a cloud script (`cloud/<file>`). */
export interface ScriptSection {
  /** Script file name under `cloud/`. @default the script of the method's cloud (`CLOUD_SCRIPTS`) */
  readonly file?: string;
  /** What a script outside `CLOUD_SCRIPTS` is for, in its header (the first section that says wins). */
  readonly purpose?: string;
  readonly title: string;
  /** Shell lines, already quoted (see `format/shell.ts`). */
  readonly lines: readonly string[];
  /**
   * Shell functions the lines call, written once near the top of the script however many
   * sections ask for the same text (identical definitions are merged).
   */
  readonly helpers?: readonly string[];
  /**
   * Lines the script runs once, before every section, however many sections ask for them
   * (identical preambles are written once), e.g. a check that the CLI talks to the right cloud.
   */
  readonly preamble?: readonly string[];
}

export interface TerraformProvider {
  readonly source: string;
  readonly version: string;
  /**
   * Body of a `provider "NAME" {}` block, for providers that refuse to start without one
   * (azurerm needs `features {}`). Written once, in `versions.tf`.
   */
  readonly configuration?: readonly HclBodyItem[];
}

export interface TerraformFile {
  /** File name under `cloud/terraform/`, e.g. `gke-dns01-solver.tf`. */
  readonly file: string;
  readonly providers: Readonly<Record<string, TerraformProvider>>;
  readonly blocks: readonly HclBlock[];
  /**
   * Oldest Terraform the blocks need, as `MAJOR.MINOR` (write-only arguments need 1.11);
   * `versions.tf` requires the newest of all files. @default 1.3
   */
  readonly minimumTerraformVersion?: string;
}

/** A group of Kubernetes objects for a cloud-side controller (Config Connector, ASO). */
export interface CloudObjects {
  /** Path under `cloud/`, e.g. `config-connector/dns01-solver.yaml`. */
  readonly file: string;
  readonly objects: readonly Record<string, unknown>[];
}

export interface CloudPlan {
  readonly scripts?: readonly ScriptSection[];
  readonly terraform?: readonly TerraformFile[];
  readonly objects?: readonly CloudObjects[];
}

/** Text a method adds to the generated README. Markdown, already formatted. */
export interface ReadmeContribution {
  /** Steps before `kubectl apply` (cloud side). */
  readonly prerequisites?: readonly string[];
  /** How to prove the binding works, and what a broken one looks like. */
  readonly verify?: readonly string[];
  readonly notes?: readonly string[];
  /** Whole sections after the notes, e.g. a migration guide. */
  readonly sections?: readonly ReadmeSection[];
}

interface ReadmeSection {
  readonly title: string;
  /** Markdown, already formatted. */
  readonly body: string;
}

/** The props of a Kubernetes object, as written: src/k8s/kube-object.ts lays them out the way cdk8s would. */
export interface KubeObjectProps {
  readonly apiVersion: string;
  readonly kind: string;
  /** Every object wi-gen writes is named (cdk8s would make up a name from the construct path). */
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
    readonly ownerReferences?: readonly unknown[];
    readonly [key: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** Where a method puts its objects: one `manifests/` file; `id` is unique within it. */
export interface KubeObjectSink {
  add(id: string, props: KubeObjectProps): void;
}

export interface IdentityMethod<Config> {
  /** The key under `identities[]` in the spec, e.g. `gke`. */
  readonly key: string;
  /** One line for `--help`, the JSON Schema and the README. */
  readonly description: string;
  readonly cloud: Cloud;
  /**
   * Builds the Zod schema of the method's block in `identities[]`. A function, so loading wi-gen
   * builds no method's schema: a render builds (once) only those of the methods its spec names,
   * since building them all was a tenth of a small render's start-up.
   */
  readonly schema: () => z.ZodType<Config, any>;
  /** The cert-manager dns01 provider this method authenticates, if it can serve DNS-01. */
  readonly dnsProvider?: Dns01ProviderKey;
  /** Set when the method is kept only for migration; the text is printed as a warning. */
  readonly deprecated?: string;

  /**
   * cert-manager uses its own pod's identity ("ambient credentials"): a namespaced Issuer then
   * needs `--issuer-ambient-credentials`. Non-ambient methods reference a Secret or a token.
   */
  ambient(identity: Identity<Config>): boolean;

  /** Whether cert-manager's own ServiceAccount must be bound when this identity serves an issuer. */
  bindsCertManagerServiceAccount(identity: Identity<Config>): boolean;

  /** Cross-field checks that need the whole model (cluster kind, limits, references). */
  check?(identity: Identity<Config>, ctx: CheckContext): void;

  serviceAccountMetadata(binding: ServiceAccountBinding, ctx: MethodContext): ObjectMetadataPatch;
  podTemplate(binding: ServiceAccountBinding, ctx: MethodContext): PodTemplatePatch;
  /** cert-manager controller settings this identity needs beyond its ServiceAccount and pod template. */
  certManagerSettings?(identity: Identity<Config>, ctx: MethodContext): CertManagerSettings;

  /** The provider block of an ACME dns01 solver, e.g. `{cloudDNS: {...}}`. */
  dns01Solver?(issuer: IssuerModel, ctx: MethodContext): Record<string, unknown>;

  /** Kubernetes objects wi-gen owns beyond ServiceAccounts and Issuers (e.g. VSO objects), added to `out`. */
  objects?(identity: Identity<Config>, out: KubeObjectSink, ctx: MethodContext): void;
  /** File under `manifests/` for `objects()`; defaults to the method key. */
  readonly manifestFile?: string;

  cloudPlan(identity: Identity<Config>, ctx: MethodContext): CloudPlan;
  /**
   * What `cloudPlan`'s scripts create and grant, from the same name and grant functions, so the
   * grant record (prune, teardown) cannot disagree with them. Config Connector / ASO objects are
   * recorded from the plan itself.
   */
  cloudGrants?(identity: Identity<Config>, ctx: MethodContext): CloudGrant[];
  readme?(identity: Identity<Config>, ctx: MethodContext): ReadmeContribution;
}

/** Identity function that keeps a method's Config type inferred at its definition. */
export function defineMethod<Config>(method: IdentityMethod<Config>): IdentityMethod<Config> {
  return method;
}

export type AnyIdentityMethod = IdentityMethod<any>;
