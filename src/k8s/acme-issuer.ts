/**
 * A cert-manager ACME Issuer or ClusterIssuer with one DNS-01 solver. The solver's provider
 * block comes from the identity method and carries no secret reference for ambient methods.
 *
 * @see https://cert-manager.io/docs/configuration/acme/dns01/
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { IssuerModel } from '../model/model.js';

interface AcmeDns01IssuerProps {
  readonly issuer: IssuerModel;
  /** `{cloudDNS: {...}}`, `{azureDNS: {...}}`, …: the dns01 provider block. */
  readonly provider: Record<string, unknown>;
}

export class AcmeDns01Issuer extends Construct {
  readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: AcmeDns01IssuerProps) {
    super(scope, id);
    const { issuer, provider } = props;
    const solver: Record<string, unknown> = { dns01: provider };
    if (issuer.zones.length > 0) solver.selector = { dnsZones: [...issuer.zones] };
    this.apiObject = new ApiObject(this, 'Resource', {
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
    });
  }
}
