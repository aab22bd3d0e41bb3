/**
 * The resolved model: the spec after validation, with every reference followed. Identity
 * methods and emitters read only this, never the raw spec, so a name is decided once and
 * the annotation, the IAM member and the Helm value cannot drift apart.
 */
import type { IdentityMethod } from './method.js';
import type { SpecPath } from './diagnostics.js';
import type { Cluster } from '../schema/cluster.js';
import type { Dns01Spec } from '../schema/dns01.js';

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export interface WorkloadRef {
  readonly kind: WorkloadKind;
  readonly name: string;
  readonly path: SpecPath;
}

/** One Kubernetes ServiceAccount bound to one cloud identity. */
export interface ServiceAccountBinding {
  readonly identity: Identity;
  readonly namespace: string;
  readonly name: string;
  /** wi-gen creates the ServiceAccount; otherwise it patches one that exists elsewhere. */
  readonly create: boolean;
  readonly automountToken: boolean;
  readonly workloads: readonly WorkloadRef[];
  /** cert-manager's own ServiceAccount, configured through Helm values or kustomize patches. */
  readonly certManager: boolean;
  readonly path: SpecPath;
}

export interface Identity<Config = unknown> {
  readonly name: string;
  readonly method: IdentityMethod<Config>;
  readonly config: Config;
  readonly bindings: ServiceAccountBinding[];
  readonly path: SpecPath;
}

type IssuerKind = 'ClusterIssuer' | 'Issuer';

interface AcmeModel {
  /** Resolved ACME directory URL. */
  readonly server: string;
  readonly email?: string;
  readonly privateKeySecretName: string;
}

export interface IssuerModel {
  readonly name: string;
  readonly kind: IssuerKind;
  /** Set for a namespaced Issuer only. */
  readonly namespace?: string;
  readonly identity: Identity;
  readonly acme: AcmeModel;
  readonly zones: readonly string[];
  readonly dns01: Dns01Spec;
  /** Namespace where cert-manager reads Secrets and ServiceAccounts this issuer refers to. */
  readonly resourceNamespace: string;
  readonly path: SpecPath;
}

type CertManagerInstall = 'helm' | 'manifests';

export interface CertManagerModel {
  readonly namespace: string;
  readonly serviceAccount: string;
  readonly deployment: string;
  readonly container: string;
  readonly install: CertManagerInstall;
  /** The spec opted in to ambient credentials for namespaced Issuers. */
  readonly issuerAmbientCredentials: boolean;
  readonly issuers: readonly IssuerModel[];
  /** The binding of cert-manager's own ServiceAccount, when an ambient identity serves its issuers. */
  readonly binding?: ServiceAccountBinding;
  readonly path: SpecPath;
}

export interface Model {
  /** Base name of the spec file, used in "generated from" headers (never an absolute path). */
  readonly specName: string;
  readonly cluster: Cluster;
  readonly identities: readonly Identity[];
  readonly bindings: readonly ServiceAccountBinding[];
  readonly certManager?: CertManagerModel;
}
