/**
 * A cert-manager ACME Issuer or ClusterIssuer with one DNS-01 solver. The solver's provider
 * block comes from the identity method and carries no secret reference for ambient methods.
 *
 * @see https://cert-manager.io/docs/configuration/acme/dns01/
 */
import type { IssuerModel } from '../model/model.js';
import type { KubeObjectProps } from '../model/method.js';

/** The issuer's props; `provider` is the dns01 provider block (`{cloudDNS: {...}}`, `{azureDNS: {...}}`, …). */
export function acmeDns01Issuer(issuer: IssuerModel, provider: Record<string, unknown>): KubeObjectProps {
  const solver: Record<string, unknown> = { dns01: provider };
  if (issuer.zones.length > 0) solver.selector = { dnsZones: [...issuer.zones] };
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: issuer.kind,
    metadata: { name: issuer.name, ...(issuer.namespace ? { namespace: issuer.namespace } : {}) },
    spec: {
      acme: {
        server: issuer.acme.server,
        ...(issuer.acme.email ? { email: issuer.acme.email } : {}),
        privateKeySecretRef: { name: issuer.acme.privateKeySecretName },
        solvers: [solver],
      },
    },
  };
}
