/**
 * Names and formats of Vault, the Vault Secrets Operator (VSO) and the Azure pieces they touch,
 * in one place because the Kubernetes objects, `vault.sh`, Terraform and the README must agree.
 *
 * @see ../shared/research/vault-aws.md §1–§3
 */

/** API version of every VSO kind at v1.4.1 (VaultConnection, VaultAuth, VaultDynamicSecret). */
export const VSO_API_VERSION = 'secrets.hashicorp.com/v1beta1';

/** `rolloutRestartTargets[].kind` enum of the VaultDynamicSecret CRD at v1.4.1. */
export const VSO_ROLLOUT_RESTART_KINDS = ['Deployment', 'DaemonSet', 'StatefulSet', 'argo.Rollout'] as const;

/** VSO's `renewalPercent` default (CRD default; the CRD caps it at 90). */
export const VSO_DEFAULT_RENEWAL_PERCENT = 67;
export const VSO_MAX_RENEWAL_PERCENT = 90;

/** Annotation VSO sets on a restarted Deployment/StatefulSet/DaemonSet pod template. */
export const VSO_RESTARTED_AT_ANNOTATION = 'vso.secrets.hashicorp.com/restartedAt';

/**
 * Keys of `azure/creds/ROLE` response data; VSO copies every top-level key into the Secret
 * under the same name, so these are also the Secret keys.
 */
export const AZURE_CREDS_CLIENT_ID_KEY = 'client_id';
export const AZURE_CREDS_CLIENT_SECRET_KEY = 'client_secret';

/**
 * The Vault token VSO holds must never expire: Vault revokes every lease a token created when
 * the token goes, and with it every Azure password (VSO #285, #858). A periodic token with
 * token_ttl=0 and token_max_ttl=0 renews forever.
 */
export const VSO_TOKEN_PERIOD_SECONDS = 120;

/** The environment variable `vault.sh` reads Vault's own Azure client secret from. */
export const VAULT_AZURE_SECRET_ENV = 'AZURE_CLIENT_SECRET';

/** Microsoft Graph, and its `Application.ReadWrite.All` application permission (app role). */
export const MICROSOFT_GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_APPLICATION_READWRITE_ALL = { name: 'Application.ReadWrite.All', id: '1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9' } as const;

/** Vault role, policy and auth-role names (Vault accepts more; these stay safe in shell and HCL). */
export const VAULT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** A Vault mount path without leading or trailing slash, e.g. `azure` or `clusters/home/kubernetes`. */
export const VAULT_MOUNT = /^[A-Za-z0-9][A-Za-z0-9_-]*(\/[A-Za-z0-9][A-Za-z0-9_-]*)*$/;
/** Vault durations as wi-gen accepts them: a positive integer and one unit. */
export const VAULT_DURATION = /^([1-9][0-9]{0,8})(s|m|h|d)$/;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds of a duration matching VAULT_DURATION. */
export function durationSeconds(duration: string): number {
  const m = VAULT_DURATION.exec(duration);
  if (!m) throw new Error(`not a duration: ${duration}`);
  return Number(m[1]) * (UNIT_SECONDS[m[2] as string] as number);
}

/** In-cluster hosts, where plain http does not leave the cluster network. */
export function isInClusterHost(host: string): boolean {
  return /\.svc(\.cluster\.local)?$/.test(host) || host === 'localhost' || host === '127.0.0.1';
}
