/**
 * The IAM role every AWS method manages, whatever trusts it: spec fields, checks, the Route53
 * policy of the issuers it serves, and the role as `cloud/aws.sh` steps and Terraform. The
 * methods differ only in the trust policy and in how a KSA reaches the role.
 */
import { z } from 'zod';
import { awsPartition, lazily } from '../../schema/common.js';
import { parseOidcProviderArn, type EksCluster, type OidcProviderArn } from '../../schema/cluster.js';
import type { Identity, IssuerModel } from '../../model/model.js';
import { attr, block, call, expr, HclExpression, type HclBlock, type HclValue } from '../../format/hcl.js';
import { command, heredocAssignment, shellQuote, shellVar, unless } from '../../format/shell.js';
import { tfName } from '../../format/names.js';
import type { CheckContext, MethodContext, TerraformFile, TerraformProvider } from '../../model/method.js';
import type { CloudGrant } from '../../model/cloud-grant.js';
import {
  parseRoleArn,
  policyArn,
  policyArnPartition,
  roleArn,
  route53Policy,
  policyLength,
  STS_AUDIENCE,
  ROUTE53_POLICY_NAME,
  TRUST_POLICY_LIMIT,
  type PolicyDocument,
  type RoleArn,
} from '../names/aws.js';

const ROLE_ARN_DESCRIPTION =
  'IAM role of this identity, e.g. arn:aws:iam::111122223333:role/cert-manager-route53. wi-gen owns its trust policy; see create for who makes the role.';

/**
 * Who makes the role. Terraform cannot both create a role and take over one that exists, so the
 * spec says which. An existing role is adopted with an `import` block rather than read with
 * `data "aws_iam_role"`: the trust policy is an argument of `aws_iam_role` itself (IAM has no
 * separate trust-policy object), so a data source would leave the Terraform path without the
 * trust aws.sh writes, and the two paths would no longer grant the same.
 */
export const roleCreateField = lazily(() =>
  z
    .boolean()
    .default(true)
    .describe(
      'true: the role is created (aws.sh creates it if missing; Terraform creates it and fails if it exists). false: the role exists already; aws.sh stops if it is missing, Terraform adopts it with an import block (Terraform >= 1.5). Either way wi-gen then writes its trust policy, the Route53 policy and the attachments. @default true',
    ),
);

/** Fields every AWS identity has: the role, and managed policies for its workloads. */
export const awsRoleFields = lazily(() => ({
  roleARN: roleArn().describe(ROLE_ARN_DESCRIPTION),
  create: roleCreateField(),
  policyARNs: z
    .array(policyArn())
    .default([])
    .describe('Managed policies attached to the role, for the workloads bound to it (cert-manager gets an inline Route53 policy instead).'),
}));

export interface AwsRoleConfig {
  readonly roleARN: string;
  /** @default true */
  readonly create?: boolean;
  readonly policyARNs?: readonly string[];
}

/**
 * The aws provider, pinned to the cluster's region: IAM is global, but Pod Identity associations
 * live in the cluster's region, and the region also picks the partition's endpoints (aws-cn,
 * aws-us-gov). 5.31.0 added `aws_eks_pod_identity_association`.
 */
function awsTerraformProvider(ctx: MethodContext): Record<string, TerraformProvider> {
  return { aws: { source: 'hashicorp/aws', version: '>= 5.31.0, < 7', configuration: [attr('region', eksCluster(ctx).region)] } };
}

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
function route53PolicyFor(identity: Identity, ctx: MethodContext): PolicyDocument | undefined {
  const issuers = issuersOf(identity, ctx);
  if (issuers.length === 0) return undefined;
  const zones = issuers.map((i) => i.dns01.route53?.hostedZoneID);
  const named = zones.every((z): z is string => z !== undefined) ? [...new Set(zones)].sort() : undefined;
  return route53Policy(partitionOf(ctx), named);
}

interface RoleCheckOptions {
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
 * IAM refuses a trust policy over its quota (`LimitExceeded: Cannot exceed quota for
 * ACLSizePerRole`) at apply time, after part of the script or plan has run; the spec is refused
 * instead, saying how far over it is.
 */
export function checkTrustPolicyLength(identity: Identity<AwsRoleConfig>, ctx: CheckContext, at: readonly (string | number)[], trust: PolicyDocument): void {
  const length = policyLength(trust);
  if (length <= TRUST_POLICY_LIMIT) return;
  const kinds = identity.method.key === 'awsServiceAccountRef' ? 'issuer namespaces' : 'ServiceAccounts';
  ctx.diagnostics.error(
    at,
    `the trust policy of role ${roleOf(identity).name} would be ${length} characters (whitespace not counted), over IAM's default quota of ${TRUST_POLICY_LIMIT} for a role trust policy; give some of its ${kinds} an identity with a role of their own`,
  );
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

interface RoleScript {
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
  // IAM is global, but its endpoint is per partition (iam.amazonaws.com.cn, iam.us-gov.amazonaws.com):
  // the cluster's region picks the right one whatever the caller's default region.
  const region = eksCluster(ctx).region;
  const iam = (subcommand: string, ...args: (string | ReturnType<typeof shellVar>)[]): string =>
    command('aws', 'iam', subcommand, '--region', region, ...args);
  const lines = [
    // aws CLI v2 pipes output through a pager on a terminal, which would stop the script.
    "export AWS_PAGER=''",
    heredocAssignment(trustVar, JSON.stringify(plan.trust, null, 2)),
    ...(route53 ? [heredocAssignment(route53Var, JSON.stringify(route53, null, 2))] : []),
    identity.config.create === false
      ? // An adopted role must exist; get-role's own error (NoSuchEntity, or no credentials) stays visible.
        [
          `if ! ${iam('get-role', '--role-name', role.name)} >/dev/null; then`,
          `  echo ${shellQuote(`role ${role.arn} does not exist, and the spec says create: false; create it or set create: true`)} >&2`,
          '  exit 1',
          'fi',
        ].join('\n')
      : unless(
          iam('get-role', '--role-name', role.name),
          iam(
            'create-role', '--role-name', role.name, ...(role.path === '/' ? [] : ['--path', role.path]),
            '--description', plan.description, '--assume-role-policy-document', shellVar(trustVar),
          ),
        ),
    iam('update-assume-role-policy', '--role-name', role.name, '--policy-document', shellVar(trustVar)),
  ];
  if (route53) {
    lines.push(
      iam('put-role-policy', '--role-name', role.name, '--policy-name', ROUTE53_POLICY_NAME, '--policy-document', shellVar(route53Var)),
    );
  }
  for (const arn of identity.config.policyARNs ?? []) lines.push(iam('attach-role-policy', '--role-name', role.name, '--policy-arn', arn));
  return lines;
}

/** JSON to HCL, with chosen strings replaced by Terraform references (the OIDC provider's ARN). */
function jsonToHcl(value: unknown, references: ReadonlyMap<string, HclExpression> = new Map()): HclValue {
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
    // An existing role is adopted (Terraform >= 1.5); the import is a no-op once it is in the state.
    ...(identity.config.create === false ? [block('import', [], [attr('to', expr(roleResource(identity))), attr('id', role.name)])] : []),
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
  // One attachment per distinct ARN; the policy's own name keeps the address short unless two ARNs share it
  // (a managed and a customer policy, or two paths): then the account and path tell them apart.
  const arns = [...new Set(identity.config.policyARNs ?? [])];
  const shortName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
  for (const arn of arns) {
    const clash = arns.some((other) => other !== arn && shortName(other) === shortName(arn));
    blocks.push(
      block('resource', ['aws_iam_role_policy_attachment', tfName(identity.name, clash ? arn.slice(arn.indexOf('::') + 2) : shortName(arn))], [
        attr('role', expr(`${roleResource(identity)}.name`)),
        attr('policy_arn', arn),
      ]),
    );
  }
  return blocks;
}

export function terraformFile(identity: Identity<AwsRoleConfig>, ctx: MethodContext, blocks: HclBlock[]): TerraformFile {
  return {
    file: `aws-${identity.name}.tf`,
    providers: awsTerraformProvider(ctx),
    blocks,
    // import blocks arrived in Terraform 1.5.
    ...(identity.config.create === false ? { minimumTerraformVersion: '1.5' } : {}),
  };
}

/** Identical for every identity that needs it, so the README says it once. */
export function oidcProviderPrerequisite(ctx: MethodContext): string {
  const cluster = eksCluster(ctx);
  return `The cluster's OIDC issuer is registered in IAM as \`${cluster.oidcProviderARN}\` with client ID \`${STS_AUDIENCE}\` (\`eksctl utils associate-iam-oidc-provider --cluster ${cluster.clusterName ?? ctx.model.cluster.name} --region ${cluster.region} --approve\`).`;
}

/** How a pod proves its AWS identity; the README's verify step for each bound KSA. */
export function callerIdentityCheck(namespace: string, serviceAccount: string, identity: Identity<AwsRoleConfig>, broken: string, moreCommands: readonly string[] = []): string {
  const overrides = JSON.stringify({ spec: { serviceAccountName: serviceAccount } });
  const role = roleOf(identity);
  return [
    `\`${namespace}/${serviceAccount}\` should act as role \`${role.name}\`:`,
    '',
    '```sh',
    `kubectl run -n ${shellQuote(namespace)} wi-gen-check-${shellQuote(serviceAccount)} --rm -i --restart=Never --image=amazon/aws-cli \\`,
    `  --overrides='${overrides}' -- sts get-caller-identity`,
    ...moreCommands,
    '```',
    '',
    `The \`Arn\` must be \`arn:${role.partition}:sts::${role.accountID}:assumed-role/${role.name}/…\`. ${broken}`,
  ].join('\n');
}

/** README note for an adopted role: what Terraform's import means for the role's lifetime. */
export function adoptedRoleNotes(identity: Identity<AwsRoleConfig>): string[] {
  if (identity.config.create !== false) return [];
  const role = roleOf(identity);
  return [
    `Role \`${role.name}\` exists already (\`create: false\`): \`aws.sh\` stops if it is missing, and Terraform adopts it with an \`import\` block on the first apply, then owns its trust policy like a created role's. \`terraform destroy\` would delete it; \`terraform state rm ${roleResource(identity)}\` first to keep it.`,
  ];
}

/** The role aws.sh makes or adopts, its inline and attached policies, and the trust `subjects` it adds. */
export function awsRoleCloudGrants(identity: Identity<AwsRoleConfig>, ctx: MethodContext, subjects: readonly string[]): CloudGrant[] {
  const role = roleOf(identity);
  // `create: false` (an adopted role) keeps the role when its identity leaves the spec.
  const owned = (identity.config as { create?: boolean }).create !== false;
  return [
    {
      cli: 'aws',
      kind: 'aws-role',
      name: role.name,
      owned,
      inlinePolicies: route53PolicyFor(identity, ctx) ? [ROUTE53_POLICY_NAME] : [],
      policyArns: [...(identity.config.policyARNs ?? [])].sort(),
    },
    ...subjects.map((subject) => ({ cli: 'aws' as const, kind: 'aws-trust-subject' as const, role: role.name, subject })),
  ];
}
