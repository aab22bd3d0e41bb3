/**
 * Error text a user pastes (`--error`), parsed for the facts it carries (issuer, subject,
 * audience, object ID, scope, action, role) and matched against what the spec says the binding
 * should be. The formats are the services' own messages, quoted in their docs and trackers:
 * Entra's AADSTS70021, ARM's AuthorizationFailed, cert-manager's azureDNS "No ClientID found",
 * GKE's metadata server and IAM Credentials 403, STS's AssumeRoleWithWebIdentity denial.
 */
import type { Model } from '../model/model.js';
import { AZURE_AD_TOKEN_EXCHANGE, federatedSubject } from '../methods/names/azure.js';
import { workloadPool } from '../methods/names/gcp.js';
import { ISSUER_AMBIENT_CREDENTIALS_FLAG } from '../emit/cert-manager.js';

export interface ErrorDiagnosis {
  /** Which message was recognised, e.g. `AADSTS70021`. */
  readonly error: string;
  readonly cause: string;
  readonly fix: string;
}

const quoted = (text: string, label: string): string | undefined => new RegExp(`${label}:\\s*'([^']*)'`, 'i').exec(text)?.[1];

export function diagnoseErrorText(text: string, model: Model): ErrorDiagnosis[] {
  const found: ErrorDiagnosis[] = [];
  if (/AADSTS70021/.test(text)) found.push(aadsts70021(text, model));
  if (/AuthorizationFailed|does not have authorization to perform action/.test(text)) found.push(authorizationFailed(text, model));
  if (/No ClientID found/i.test(text)) {
    found.push({
      error: 'No ClientID found',
      cause: "cert-manager's azureDNS solver found no client ID: the pod has no AZURE_CLIENT_ID, because its ServiceAccount lacks the azure.workload.identity/client-id annotation, the pod lacks the azure.workload.identity/use label, or the pod predates them",
      fix: 'apply out/helm/cert-manager.values.yaml (or the kustomize Component), then kubectl rollout restart deployment -n cert-manager cert-manager',
    });
  }
  const pool = /\b([a-z][-a-z0-9]{4,28}[a-z0-9])\.svc\.id\.goog\b(?!\[)/.exec(text)?.[1];
  if (pool) {
    const expected = model.cluster.gke ? workloadPool(model.cluster.gke.project) : undefined;
    found.push({
      error: `${pool}.svc.id.goog as the active account`,
      cause: `the pod authenticates as the workload pool itself, not as a Google service account: its ServiceAccount has no iam.gke.io/gcp-service-account annotation, or the pod runs as another ServiceAccount${expected && expected !== `${pool}.svc.id.goog` ? ` (and the pool is not the spec's ${expected})` : ''}; in direct-principal mode this is the expected output`,
      fix: 'wi-gen doctor SPEC with a kubectl dump shows which; apply out/manifests and restart the pod',
    });
  }
  if (/iam\.serviceAccounts\.getAccessToken/.test(text) || /403.*(metadata|workload identity)/i.test(text)) {
    const member = /serviceAccount:[a-z0-9-]+\.svc\.id\.goog\[[^\]]+\]/.exec(text)?.[0];
    found.push({
      error: 'Permission iam.serviceAccounts.getAccessToken denied (403)',
      cause: `the Kubernetes ServiceAccount may not impersonate the Google service account: no roles/iam.workloadIdentityUser for ${member ?? 'serviceAccount:PROJECT.svc.id.goog[NAMESPACE/KSA]'} on it`,
      fix: 'run out/cloud/gcloud.sh (or terraform apply in out/cloud/terraform); wi-gen doctor with the service account\'s IAM policy confirms it',
    });
  }
  if (/Not authorized to perform sts:AssumeRoleWithWebIdentity/i.test(text)) {
    found.push({
      error: 'AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity',
      cause: "the role's trust policy does not admit this token: its :sub condition names another namespace or ServiceAccount, its :aud is not the token's audience, or its Federated principal is another cluster's OIDC provider",
      fix: 'run out/cloud/aws.sh (it rewrites the trust policy); wi-gen doctor SPEC with `aws iam get-role` shows which condition differs',
    });
  }
  if (/ambient credentials/i.test(text) && model.certManager?.issuers.some((i) => i.kind === 'Issuer')) {
    found.push({
      error: 'ambient credentials refused',
      cause: `a namespaced Issuer relies on cert-manager's own identity, which cert-manager allows only with ${ISSUER_AMBIENT_CREDENTIALS_FLAG}`,
      fix: 'set certManager.issuerAmbientCredentials: true (or use a ClusterIssuer), re-render, and upgrade cert-manager with the new values',
    });
  }
  if (found.length === 0) {
    found.push({ error: 'unrecognised', cause: 'wi-gen doctor does not know this message', fix: 'pass dumps of the cluster and the cloud instead (wi-gen doctor --help)' });
  }
  return found;
}

function aadsts70021(text: string, model: Model): ErrorDiagnosis {
  const issuer = quoted(text, 'Assertion Issuer');
  const subject = quoted(text, 'Assertion Subject');
  const audience = quoted(text, 'Assertion Audience');
  const expectedIssuer = model.cluster.aks?.oidcIssuerURL;
  const subjects = model.bindings.map((b) => federatedSubject(b.namespace, b.name));
  const error = 'AADSTS70021: No matching federated identity record';
  if (audience && audience !== AZURE_AD_TOKEN_EXCHANGE) {
    return { error, cause: `the token's audience is ${audience}; federated credentials accept ${AZURE_AD_TOKEN_EXCHANGE}`, fix: 'leave the projected token audience at its default (the webhook sets it)' };
  }
  if (issuer && expectedIssuer && issuer !== expectedIssuer) {
    const slash = issuer.replace(/\/$/, '') === expectedIssuer.replace(/\/$/, '');
    return {
      error,
      cause: slash
        ? `the token's issuer is ${issuer}, the spec's ${expectedIssuer}: they differ only by the trailing slash, and Entra compares them character for character`
        : `the token comes from issuer ${issuer}, but the spec's cluster.aks.oidcIssuerURL is ${expectedIssuer}: another cluster, or the spec is stale`,
      fix: `set cluster.aks.oidcIssuerURL: ${issuer} in the spec, re-render, and run out/cloud/az.sh so the federated credentials name that issuer`,
    };
  }
  if (subject && !subjects.includes(subject)) {
    const sa = subject.split(':').pop() ?? '';
    const near = model.bindings.find((b) => b.name === sa);
    return {
      error,
      cause: near
        ? `the pod runs as ${subject}, but the spec binds ${federatedSubject(near.namespace, near.name)}: another namespace`
        : `no binding of the spec names ${subject}`,
      fix: near ? `deploy the workload in namespace ${near.namespace}, or bind ${subject.replace('system:serviceaccount:', '').replace(':', '/')} in the spec and re-render` : `add a binding for ${subject} to the spec, re-render, and run out/cloud/az.sh`,
    };
  }
  const binding = model.bindings.find((b) => federatedSubject(b.namespace, b.name) === subject);
  const cfg = binding?.identity.config as { name?: string } | undefined;
  return {
    error,
    cause: `issuer, subject and audience are what the spec expects, so the federated credential is missing on the identity the pod asked for${binding ? ` (${cfg?.name ?? binding.identity.name})` : ''}, or sits on another identity: check the client ID in the ServiceAccount annotation`,
    fix: 'run out/cloud/az.sh (it creates the credential), or wi-gen doctor SPEC with `az identity federated-credential list` to see where it is',
  };
}

function authorizationFailed(text: string, model: Model): ErrorDiagnosis {
  const objectId = /object id '([^']+)'/i.exec(text)?.[1];
  const action = /perform action '([^']+)'/i.exec(text)?.[1] ?? '';
  const scope = /over scope '([^']+)'/i.exec(text)?.[1] ?? '';
  const error = 'AuthorizationFailed';
  const zone = /\/(dnszones|privatednszones)\/([^/]+)/i.exec(scope);
  const issuer = zone ? model.certManager?.issuers.find((i) => i.zones.includes((zone[2] as string).toLowerCase()) || i.dns01.azureDNS?.hostedZoneName === zone[2]) : undefined;
  const privateAction = /privateDnsZones/i.test(action);
  const dns = issuer?.dns01.azureDNS;
  if (dns && privateAction !== (dns.zoneType === 'AzurePrivateZone')) {
    return {
      error,
      cause: `the zone ${zone?.[2]} is ${privateAction ? 'a private' : 'a public'} zone, but issuer ${issuer?.name} says zoneType ${dns.zoneType ?? 'AzurePublicZone'}`,
      fix: `set zoneType: ${privateAction ? 'AzurePrivateZone' : 'AzurePublicZone'} on the issuer's azureDNS block, re-render, and run out/cloud/az.sh (the role differs: ${privateAction ? 'Private DNS Zone Contributor' : 'DNS Zone Contributor'})`,
    };
  }
  return {
    error,
    cause: `principal ${objectId ?? '(unknown)'} may not ${action || 'do this'} on ${scope || 'this scope'}: its DNS role is missing, on another scope (another resource group or zone), or on another principal${issuer ? ` (the spec's issuer ${issuer.name} expects it on resource group ${dns?.resourceGroupName})` : ''}`,
    fix: 'run out/cloud/az.sh (it assigns the DNS role on the zone); wi-gen doctor SPEC with `az role assignment list --assignee OBJECT_ID --all` shows where it is',
  };
}
