/**
 * The provider half of a cert-manager ACME dns01 solver: where the zone lives. Which identity
 * authenticates to it is the identity method's business; the keys mirror cert-manager's.
 */
import { z } from 'zod';
import { awsRegion, dnsZone, EVERY_BLOCK, exactlyOneBlock, gcpProjectId, guid, lazily, optionalBlock, type NamedBlocks } from './common.js';

/** @see https://cert-manager.io/docs/configuration/acme/dns01/google/ */
const cloudDnsSchema = lazily(() =>
  z
    .strictObject({
      project: gcpProjectId().describe('Project that owns the Cloud DNS managed zone (may differ from the cluster project).'),
      hostedZoneName: z
        .string()
        .regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, {
          message: 'must be a Cloud DNS managed-zone name (not its DNS name): lowercase letters, digits and hyphens',
        })
        .optional()
        .describe(
          'Managed-zone name. Set it to grant DNS rights on this zone only and to skip the project-wide zone lookup.',
        ),
    })
    .describe('Google Cloud DNS, authenticated with Workload Identity (no serviceAccountSecretRef).'),
);

/** Resource group names as ARM accepts them. */
export const azureResourceGroup = lazily(() =>
  z
    .string()
    .regex(/^[-\w._()]{1,90}$/, { message: "must be an Azure resource group name: letters, digits, '-', '_', '.', '(' and ')'" }),
);

/** @see https://cert-manager.io/docs/configuration/acme/dns01/azuredns/ */
export const azureDnsSchema = lazily(() =>
  z
    .strictObject({
      subscriptionID: guid('subscriptionID').describe('Subscription that holds the DNS zone.'),
      resourceGroupName: azureResourceGroup().describe('Resource group of the DNS zone.'),
      hostedZoneName: dnsZone().optional().describe('DNS zone name, e.g. example.com. Set it to scope the role assignment to the zone.'),
      environment: z
        .enum(['AzurePublicCloud', 'AzureChinaCloud', 'AzureUSGovernmentCloud', 'AzureGermanCloud'])
        .default('AzurePublicCloud')
        .refine((e) => e !== 'AzureGermanCloud', {
          message:
            'AzureGermanCloud passes the cert-manager CRD but fails at runtime ("unknown cloud configuration name"); the German cloud is closed. Use AzurePublicCloud, AzureChinaCloud or AzureUSGovernmentCloud',
        })
        .describe('Azure cloud. @default AzurePublicCloud'),
      zoneType: z
        .enum(['AzurePublicZone', 'AzurePrivateZone'])
        .default('AzurePublicZone')
        .describe('AzurePrivateZone for private DNS zones (cert-manager >= 1.20, role Private DNS Zone Contributor). @default AzurePublicZone'),
    })
    .describe('Azure DNS.'),
);

/** @see https://cert-manager.io/docs/configuration/acme/dns01/route53/ */
const route53Schema = lazily(() =>
  z
    .strictObject({
      region: awsRegion()
        .optional()
        .describe(
          "AWS region for the SDK. IRSA and EKS Pod Identity inject AWS_REGION into cert-manager's pod and cert-manager then ignores this field, so it must equal cluster.eks.region when set; a dedicated ServiceAccount uses it for the STS endpoint. @default cluster.eks.region",
        ),
      hostedZoneID: z
        .string()
        .regex(/^[A-Z0-9]{1,32}$/, {
          message: 'must be a Route53 hosted zone ID such as Z0123456789ABCDEFGHIJ: uppercase letters and digits, without the /hostedzone/ prefix',
        })
        .optional()
        .describe(
          'Hosted zone ID. Set it to limit the IAM policy to this zone and to drop route53:ListHostedZonesByName (cert-manager then skips the lookup).',
        ),
    })
    .describe('AWS Route53, authenticated with IRSA, EKS Pod Identity or a dedicated ServiceAccount (never access keys).'),
);

/** The DNS providers a solver may name; exactly one is expected. */
export const DNS01_PROVIDERS = ['cloudDNS', 'azureDNS', 'route53'] as const;
export type Dns01ProviderKey = (typeof DNS01_PROVIDERS)[number];

/** A dns01 solver, with the provider blocks `named` says the spec names (the others stand absent). */
export function dns01Schema(named: NamedBlocks = EVERY_BLOCK) {
  return z
    .strictObject({
      zones: z
        .array(dnsZone())
        .optional()
        .describe('DNS zones this solver answers for (solver selector.dnsZones). Omit to solve every name.'),
      cloudDNS: optionalBlock(named, 'cloudDNS', cloudDnsSchema),
      azureDNS: optionalBlock(named, 'azureDNS', azureDnsSchema),
      route53: optionalBlock(named, 'route53', route53Schema),
    })
    .superRefine(exactlyOneBlock(DNS01_PROVIDERS, 'DNS provider block', 'a solver uses exactly one DNS provider'))
    .describe('ACME DNS-01 solver: the zones it answers for and the DNS provider that hosts them.');
}

export type Dns01Spec = z.output<ReturnType<typeof dns01Schema>>;

export function dns01Provider(spec: Dns01Spec): Dns01ProviderKey | undefined {
  return DNS01_PROVIDERS.find((p) => spec[p] !== undefined);
}
