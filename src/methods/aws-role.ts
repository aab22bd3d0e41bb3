/**
 * The IAM role every AWS method manages, whatever trusts it: spec fields, checks, the Route53
 * policy of the issuers it serves, and the role as `cloud/aws.sh` steps and Terraform. The
 * methods differ only in the trust policy and in how a KSA reaches the role.
 */
import { z } from 'zod';
import { awsPartition } from '../spec/common.js';
import { parseOidcProviderArn, type EksCluster, type OidcProviderArn } from '../spec/cluster.js';
import type { Identity, IssuerModel } from '../model/model.js';
import { attr, block, call, expr, HclExpression, type HclBlock, type HclValue } from '../emit/hcl.js';
import { command, heredocAssignment, shellQuote, shellVar, unless } from '../emit/shell.js';
import { tfName } from '../emit/names.js';
import type { CheckContext, MethodContext, TerraformFile } from './method.js';
import {
  parseRoleArn,
  policyArn,
  policyArnPartition,
  roleArn,
  route53Policy,
  STS_AUDIENCE,
  ROUTE53_POLICY_NAME,
  type PolicyDocument,
  type RoleArn,
} from './aws-names.js';

/** Fields every AWS identity has: the role, and managed policies for its workloads. */
export const awsRoleFields = {
  roleARN: roleArn.describe(
    'IAM role of this identity, e.g. arn:aws:iam::111122223333:role/cert-manager-route53. wi-gen creates it if missing and owns its trust policy.',
  ),
  policyARNs: z
    .array(policyArn)
    .default([])
    .describe('Managed policies attached to the role, for the workloads bound to it (cert-manager gets an inline Route53 policy instead).'),
};

export interface AwsRoleConfig {
  readonly roleARN: string;
  readonly policyARNs?: readonly string[];
}

export const AWS_TERRAFORM_PROVIDER = { aws: { source: 'hashicorp/aws', version: '>= 5.31.0, < 7' } };

export function eksCluster(ctx: MethodContext): EksCluster {
  // check() has rejected specs without cluster.eks before any emitter runs.
  return ctx.model.cluster.eks as EksCluster;
}

export const partitionOf = (ctx: MethodContext): string => awsPartition(eksCluster(ctx).region);

export function roleOf(identity: Identity<AwsRoleConfig>): RoleArn {
  return parseRoleArn(identity.config.roleARN) as RoleArn;
}

export function oidcProvider(ctx: MethodContext): OidcProviderArn {
  return parseOidcProviderArn(eksCluster(ctx).oidcProviderARN as string) as OidcProviderArn;
}

export function issuersOf(identity: Identity, ctx: MethodContext): IssuerModel[] {
  return (ctx.model.certManager?.issuers ?? []).filter((i) => i.identity === identity);
}

/** The Route53 policy for the issuers this identity serves, or undefined when it serves none. */
export function route53PolicyFor(identity: Identity, ctx: MethodContext): PolicyDocument | undefined {
  const issuers = issuersOf(identity, ctx);
  if (issuers.length === 0) return undefined;
  const zones = issuers.map((i) => i.dns01.route53?.hostedZoneID);
  const named = zones.every((z): z is string => z !== undefined) ? [...new Set(zones)].sort() : undefined;
  return route53Policy(partitionOf(ctx), named);
}

export interface RoleCheckOptions {
  /** Path of the method block, e.g. `identities[0].awsIrsa`. */
  readonly at: readonly (string | number)[];
  readonly needsOidcProvider: boolean;
}

/** Checks shared by the AWS methods; returns false when the cluster block is missing. */
export function checkRole(identity: Identity<AwsRoleConfig>, ctx: CheckContext, options: RoleCheckOptions): boolean {
  const cluster = ctx.model.cluster.eks;
  const key = identity.method.key;
  if (!cluster) {
    ctx.diagnostics.error(['cluster'], `identity "${identity.name}" uses ${key}, which needs a cluster.eks block`);
    return false;
  }
  const partition = awsPartition(cluster.region);
  const role = roleOf(identity);
  if (role.partition !== partition) {
    ctx.diagnostics.error(
      [...options.at, 'roleARN'],
      `is in partition ${role.partition}, but cluster.eks.region ${cluster.region} is in ${partition}; a role is only usable in its own partition`,
    );
  }
  (identity.config.policyARNs ?? []).forEach((arn, index) => {
    if (policyArnPartition(arn) !== partition) {
      ctx.diagnostics.error([...options.at, 'policyARNs', index], `is in partition ${policyArnPartition(arn)}, but the role is in ${partition}`);
    }
  });
  if (options.needsOidcProvider) {
    const provider = cluster.oidcProviderARN ? parseOidcProviderArn(cluster.oidcProviderARN) : undefined;
    if (!cluster.oidcProviderARN) {
      ctx.diagnostics.error(
        ['cluster', 'eks'],
        `identity "${identity.name}" uses ${key}, which needs cluster.eks.oidcProviderARN (the IAM OIDC provider of the cluster's issuer: aws iam list-open-id-connect-providers)`,
      );
    } else if (provider && provider.accountID !== role.accountID) {
      ctx.diagnostics.error(
        [...options.at, 'roleARN'],
        `is in account ${role.accountID}, but cluster.eks.oidcProviderARN is in ${provider.accountID}; IAM trusts only an OIDC provider registered in the role's own account (register the cluster's issuer in ${role.accountID} and use that ARN)`,
      );
    }
  }
  return true;
}

/** A KSA's identity must be reachable by someone: IAM rejects a trust policy without statements. */
export function checkTrusted(identity: Identity, ctx: CheckContext, at: readonly (string | number)[], trustedBy: number): void {
  if (trustedBy === 0) {
    ctx.diagnostics.error(at, `identity "${identity.name}" serves no ServiceAccount and no issuer; its role's trust policy would have no statement (IAM rejects that)`);
  }
}

/**
 * Ambient methods: the identity webhook or agent injects AWS_REGION (the cluster's region) into
 * cert-manager's pod, and cert-manager then ignores `route53.region`. A different value there
 * only misleads, so it is refused.
 */
export function checkAmbientIssuerRegions(identity: Identity, ctx: CheckContext, injector: string): void {
  const cluster = ctx.model.cluster.eks;
  if (!cluster) return;
  for (const issuer of issuersOf(identity, ctx)) {
    const region = issuer.dns01.route53?.region;
    if (region !== undefined && region !== cluster.region) {
      ctx.diagnostics.error(
        [...issuer.path, 'dns01', 'route53', 'region'],
        `cert-manager ignores this region: with ${identity.method.key}, ${injector} sets AWS_REGION=${cluster.region} (cluster.eks.region) in its pod, and that wins; set region: ${cluster.region} or remove it`,
      );
    }
  }
}

const scriptVar = (prefix: string, identity: Identity): string => `${prefix}_${identity.name.replace(/-/g, '_')}`;

export interface RoleScript {
  readonly identity: Identity<AwsRoleConfig>;
  readonly trust: PolicyDocument;
  readonly description: string;
}

/**
 * The role as idempotent aws CLI steps: create it if missing, then (re)write what wi-gen owns —
 * the trust policy, the Route53 inline policy, the managed-policy attachments.
 */
export function roleScriptLines(plan: RoleScript, ctx: MethodContext): string[] {
  const { identity } = plan;
  const role = roleOf(identity);
  const trustVar = scriptVar('trust_policy', identity);
  const route53 = route53PolicyFor(identity, ctx);
  const route53Var = scriptVar('route53_policy', identity);
  const lines = [
    // aws CLI v2 pipes output through a pager on a terminal, which would stop the script.
    "export AWS_PAGER=''",
    heredocAssignment(trustVar, JSON.stringify(plan.trust, null, 2)),
    ...(route53 ? [heredocAssignment(route53Var, JSON.stringify(route53, null, 2))] : []),
    unless(
      command('aws', 'iam', 'get-role', '--role-name', role.name),
      command(
        'aws', 'iam', 'create-role', '--role-name', role.name, ...(role.path === '/' ? [] : ['--path', role.path]),
        '--description', plan.description, '--assume-role-policy-document', shellVar(trustVar),
      ),
    ),
    command('aws', 'iam', 'update-assume-role-policy', '--role-name', role.name, '--policy-document', shellVar(trustVar)),
  ];
  if (route53) {
    lines.push(
      command('aws', 'iam', 'put-role-policy', '--role-name', role.name, '--policy-name', ROUTE53_POLICY_NAME, '--policy-document', shellVar(route53Var)),
    );
  }
  for (const arn of identity.config.policyARNs ?? []) lines.push(command('aws', 'iam', 'attach-role-policy', '--role-name', role.name, '--policy-arn', arn));
  return lines;
}

/** JSON to HCL, with chosen strings replaced by Terraform references (the OIDC provider's ARN). */
export function jsonToHcl(value: unknown, references: ReadonlyMap<string, HclExpression> = new Map()): HclValue {
  if (typeof value === 'string') return references.get(value) ?? value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => jsonToHcl(v, references));
  const out: Record<string, HclValue> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = jsonToHcl(v, references);
  return out;
}

export const roleResource = (identity: Identity): string => `aws_iam_role.${tfName(identity.name)}`;

/** `aws_iam_role`, its Route53 `aws_iam_role_policy` and policy attachments. */
export function roleTerraformBlocks(plan: RoleScript, ctx: MethodContext, references: ReadonlyMap<string, HclExpression> = new Map()): HclBlock[] {
  const { identity } = plan;
  const role = roleOf(identity);
  const id = tfName(identity.name);
  const blocks: HclBlock[] = [
    block('resource', ['aws_iam_role', id], [
      attr('name', role.name),
      ...(role.path !== '/' ? [attr('path', role.path)] : []),
      attr('description', plan.description),
      attr('assume_role_policy', call('jsonencode', jsonToHcl(plan.trust, references))),
    ]),
  ];
  const route53 = route53PolicyFor(identity, ctx);
  if (route53) {
    blocks.push(
      block('resource', ['aws_iam_role_policy', tfName(identity.name, 'route53')], [
        attr('name', ROUTE53_POLICY_NAME),
        attr('role', expr(`${roleResource(identity)}.id`)),
        attr('policy', call('jsonencode', jsonToHcl(route53))),
      ]),
    );
  }
  for (const arn of identity.config.policyARNs ?? []) {
    blocks.push(
      block('resource', ['aws_iam_role_policy_attachment', tfName(identity.name, arn.slice(arn.lastIndexOf('/') + 1))], [
        attr('role', expr(`${roleResource(identity)}.name`)),
        attr('policy_arn', arn),
      ]),
    );
  }
  return blocks;
}

export function terraformFile(identity: Identity, blocks: HclBlock[]): TerraformFile {
  return { file: `aws-${identity.name}.tf`, providers: AWS_TERRAFORM_PROVIDER, blocks };
}

/** Identical for every identity that needs it, so the README says it once. */
export function oidcProviderPrerequisite(ctx: MethodContext): string {
  const cluster = eksCluster(ctx);
  return `The cluster's OIDC issuer is registered in IAM as \`${cluster.oidcProviderARN}\` with client ID \`${STS_AUDIENCE}\` (\`eksctl utils associate-iam-oidc-provider --cluster ${cluster.clusterName ?? ctx.model.cluster.name} --region ${cluster.region} --approve\`).`;
}

/** How a pod proves its AWS identity; the README's verify step for each bound KSA. */
export function callerIdentityCheck(namespace: string, serviceAccount: string, identity: Identity<AwsRoleConfig>, broken: string): string {
  const overrides = JSON.stringify({ spec: { serviceAccountName: serviceAccount } });
  const role = roleOf(identity);
  return [
    `\`${namespace}/${serviceAccount}\` should act as role \`${role.name}\`:`,
    '',
    '```sh',
    `kubectl run -n ${shellQuote(namespace)} wi-gen-check-${shellQuote(serviceAccount)} --rm -i --restart=Never --image=amazon/aws-cli \\`,
    `  --overrides='${overrides}' -- sts get-caller-identity`,
    '```',
    '',
    `The \`Arn\` must be \`arn:${role.partition}:sts::${role.accountID}:assumed-role/${role.name}/…\`. ${broken}`,
  ].join('\n');
}
