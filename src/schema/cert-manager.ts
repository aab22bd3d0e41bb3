/**
 * cert-manager as a consumer of an identity: how it is installed, and its ACME DNS-01 issuers.
 * Names default to the static release manifest's (`cert-manager/cert-manager`, Deployment
 * `cert-manager`, container `cert-manager-controller`), which the Helm chart also produces for a
 * release named `cert-manager`.
 */
import { z } from 'zod';
import { dnsLabel, email, EVERY_BLOCK, lazily, namespaceName, objectName, specName, type NamedBlocks } from './common.js';
import { dns01Schema } from './dns01.js';

/** Looked up with Object.hasOwn only: `constructor` or `toString` must not resolve through the prototype. */
export const ACME_SERVERS: Readonly<Record<string, string>> = {
  letsencrypt: 'https://acme-v02.api.letsencrypt.org/directory',
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
};

const acmeSchema = lazily(() =>
  z
    .strictObject({
      server: z
        .string()
        .refine((s) => Object.hasOwn(ACME_SERVERS, s) || /^https:\/\/[^\s/$.?#][^\s"'`$\\]*$/.test(s), {
          message: 'must be letsencrypt, letsencrypt-staging or an https:// ACME directory URL',
        })
        .refine((s) => !/^https:\/\/[^/]*@/.test(s), { message: 'must not carry credentials (user@ or user:password@) in the URL' })
        .describe('ACME directory: letsencrypt, letsencrypt-staging, or an https:// URL.'),
      email: email().optional().describe('Account e-mail for expiry notices.'),
      privateKeySecretName: objectName()
        .optional()
        .describe('Secret holding the ACME account key (created by cert-manager). @default "<issuer name>-account-key"'),
    })
    .describe('ACME account settings.'),
);

/** An issuer, with the DNS provider blocks `named` says the spec names. */
function issuerSchema(named: NamedBlocks) {
  return z
    .strictObject({
      name: objectName().describe('Issuer or ClusterIssuer name.'),
      kind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer').describe('@default ClusterIssuer'),
      namespace: namespaceName().optional().describe('Namespace of a namespaced Issuer; not allowed for a ClusterIssuer.'),
      identity: specName('an identity name')
        .optional()
        .describe('Identity that authenticates this issuer to DNS. @default certManager.identity'),
      acme: acmeSchema(),
      dns01: dns01Schema(named),
    })
    .describe('A cert-manager ACME issuer solving DNS-01 without a stored secret.');
}

/** The certManager block, with the DNS provider blocks `named` says the spec's solvers name. */
export function certManagerSchema(named: NamedBlocks = EVERY_BLOCK) {
  return z
    .strictObject({
      namespace: namespaceName().default('cert-manager').describe('@default cert-manager'),
      serviceAccount: objectName().default('cert-manager').describe("cert-manager controller's ServiceAccount. @default cert-manager"),
      deployment: objectName().default('cert-manager').describe('cert-manager controller Deployment. @default cert-manager'),
      container: dnsLabel('a container name')
        .default('cert-manager-controller')
        .describe('Controller container, the first in the Deployment. @default cert-manager-controller'),
      install: z
        .enum(['helm', 'manifests'])
        .default('helm')
        .describe('helm: write Helm values; manifests: write kustomize patches over the static release manifest. @default helm'),
      identity: specName('an identity name').optional().describe('Identity that cert-manager uses for its issuers.'),
      issuerAmbientCredentials: z
        .boolean()
        .default(false)
        .describe(
          'Allow namespaced Issuers to use cert-manager\'s own (ambient) identity by passing --issuer-ambient-credentials=true. Any tenant that can create an Issuer can then use it.',
        ),
      issuers: z.array(issuerSchema(named)).default([]),
    })
    .describe('cert-manager as a consumer of a workload identity.');
}

