/**
 * Name formats and policy documents of AWS IAM, in one place because all three AWS methods and
 * both halves of a binding (the ServiceAccount annotation, the Issuer, the trust policy) use them.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
import { z } from 'zod';
import { AWS_PARTITIONS } from '../spec/common.js';

export const IRSA_ROLE_ANNOTATION = 'eks.amazonaws.com/role-arn';
/** The audience the EKS Pod Identity webhook projects (`--token-audience`), and cert-manager's default. */
export const STS_AUDIENCE = 'sts.amazonaws.com';
export const POD_IDENTITY_SERVICE = 'pods.eks.amazonaws.com';
/** Inline policy wi-gen owns on every role that serves cert-manager; re-running replaces it. */
export const ROUTE53_POLICY_NAME = 'wi-gen-route53-dns01';

const PARTITION = `(${AWS_PARTITIONS.join('|')})`;
const IAM_NAME = '[\\w+=,.@-]';
const ROLE_ARN = new RegExp(`^arn:${PARTITION}:iam::([0-9]{12}):role(/(?:${IAM_NAME}+/)*)(${IAM_NAME}{1,64})$`);
const POLICY_ARN = new RegExp(`^arn:${PARTITION}:iam::(aws|[0-9]{12}):policy/(?:${IAM_NAME}+/)*${IAM_NAME}{1,128}$`);

export interface RoleArn {
  readonly arn: string;
  readonly partition: string;
  readonly accountID: string;
  /** IAM path, `/` or `/a/b/`. */
  readonly path: string;
  readonly name: string;
}

export function parseRoleArn(arn: string): RoleArn | undefined {
  const m = ROLE_ARN.exec(arn);
  if (!m) return undefined;
  return { arn, partition: m[1] as string, accountID: m[2] as string, path: m[3] as string, name: m[4] as string };
}

const ROLE_ARN_FORM = 'arn:aws:iam::ACCOUNT_ID:role/NAME (12-digit account ID; an IAM path such as /dns/ may precede NAME)';

/** Why a string is not a role ARN, naming the usual mistakes. */
export function roleArnProblem(value: string): string {
  const session = /^arn:([-a-z]+):sts::([0-9]{12}):assumed-role\/([^/]+)\//.exec(value);
  if (session) return `is an STS session ARN; use the role's own ARN: arn:${session[1]}:iam::${session[2]}:role/${session[3]}`;
  const other = /^arn:[-a-z]+:iam::[^:]*:(user|group|policy|instance-profile|oidc-provider)\//.exec(value);
  if (other) return `names an IAM ${other[1]}, not a role; expected ${ROLE_ARN_FORM}`;
  if (!value.startsWith('arn:')) return `must be a full role ARN, not a bare name: ${ROLE_ARN_FORM}`;
  const account = /^arn:[^:]*:iam::([^:]*):role\//.exec(value);
  if (account && !/^[0-9]{12}$/.test(account[1] as string)) return `has account ID "${account[1]}"; it must be 12 digits: ${ROLE_ARN_FORM}`;
  if (account && !new RegExp(`^arn:${PARTITION}:`).test(value)) return `has an unknown partition; expected one of ${AWS_PARTITIONS.join(', ')}`;
  if (account && /[^/]{65,}$/.test(value)) return 'has a role name longer than 64 characters';
  return `must be an IAM role ARN: ${ROLE_ARN_FORM}`;
}

export const roleArn = z.string().superRefine((value, ctx) => {
  if (!parseRoleArn(value)) ctx.addIssue({ code: 'custom', message: roleArnProblem(value) });
});

export const policyArn = z.string().regex(POLICY_ARN, {
  message: 'must be an IAM managed-policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess or arn:aws:iam::111122223333:policy/NAME',
});

export const policyArnPartition = (arn: string): string => arn.split(':')[1] as string;

export const ksaSubject = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;

export const eksClusterArn = (partition: string, region: string, accountID: string, cluster: string): string =>
  `arn:${partition}:eks:${region}:${accountID}:cluster/${cluster}`;

/** A JSON IAM policy document; key order is the conventional one and is kept in every output. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly Readonly<Record<string, unknown>>[];
}

export interface KsaRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * IRSA and dedicated-ServiceAccount trust: one statement per KSA, each pinning both the subject
 * and the audience (eksctl does the same), so no other KSA and no token minted for another
 * audience can assume the role.
 */
export function webIdentityTrustPolicy(providerArn: string, issuer: string, subjects: readonly KsaRef[], audience: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: subjects.map((s) => ({
      Effect: 'Allow',
      Principal: { Federated: providerArn },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: {
          [`${issuer}:sub`]: ksaSubject(s.namespace, s.name),
          [`${issuer}:aud`]: audience,
        },
      },
    })),
  };
}

/**
 * EKS Pod Identity trust: the EKS Auth service assumes the role and tags the session. One
 * statement per KSA, conditioned on the session tags EKS sets, so only this cluster's KSA gets
 * it even if someone associates the role elsewhere.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html
 */
export function podIdentityTrustPolicy(clusterArn: string, subjects: readonly KsaRef[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: subjects.map((s) => ({
      Effect: 'Allow',
      Principal: { Service: POD_IDENTITY_SERVICE },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/kubernetes-namespace': s.namespace,
          'aws:RequestTag/kubernetes-service-account': s.name,
        },
      },
    })),
  };
}

/**
 * What cert-manager's Route53 solver calls, and nothing more: record changes limited to TXT
 * records, on the named hosted zones only when every issuer names its zone;
 * `ListHostedZonesByName` only when some issuer has to look its zone up.
 *
 * @param zoneIDs hosted zones of the issuers, or undefined when some issuer names none
 * @see https://cert-manager.io/docs/configuration/acme/dns01/route53/
 */
export function route53Policy(partition: string, zoneIDs: readonly string[] | undefined): PolicyDocument {
  const statements: Record<string, unknown>[] = [
    { Effect: 'Allow', Action: 'route53:GetChange', Resource: `arn:${partition}:route53:::change/*` },
    {
      Effect: 'Allow',
      Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
      Resource: zoneIDs ? zoneIDs.map((z) => `arn:${partition}:route53:::hostedzone/${z}`) : `arn:${partition}:route53:::hostedzone/*`,
      Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } },
    },
  ];
  if (!zoneIDs) statements.push({ Effect: 'Allow', Action: 'route53:ListHostedZonesByName', Resource: '*' });
  return { Version: '2012-10-17', Statement: statements };
}
