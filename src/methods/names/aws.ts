/**
 * Name formats and policy documents of AWS IAM, in one place because all three AWS methods and
 * both halves of a binding (the ServiceAccount annotation, the Issuer, the trust policy) use them.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
 */
import { z } from 'zod';
import { AWS_PARTITIONS, lazily } from '../../schema/common.js';

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
function roleArnProblem(value: string): string {
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

export const roleArn = lazily(() =>
  z.string().superRefine((value, ctx) => {
    if (!parseRoleArn(value)) ctx.addIssue({ code: 'custom', message: roleArnProblem(value) });
  }),
);

export const policyArn = lazily(() =>
  z.string().regex(POLICY_ARN, {
    message: 'must be an IAM managed-policy ARN such as arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess or arn:aws:iam::111122223333:policy/NAME',
  }),
);

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
 * IAM's default quota for a role trust policy, in characters of the document as IAM counts them:
 * whitespace outside strings is not counted, so the minified JSON is what is measured. The
 * quota can be raised through Service Quotas; wi-gen stays within the default so the role can
 * be created in any account.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html ("Role trust policy length")
 */
export const TRUST_POLICY_LIMIT = 2048;

/** Length of a policy as IAM counts it against its quota (no whitespace between tokens). */
export const policyLength = (policy: PolicyDocument): number => JSON.stringify(policy).length;

/**
 * IRSA and dedicated-ServiceAccount trust: one statement for the cluster's OIDC provider,
 * pinning the audience and listing every bound KSA as an allowed `:sub` (IAM ORs the values of
 * one key), so no other KSA and no token minted for another audience can assume the role. A
 * statement per KSA (as eksctl writes) repeats the principal and the audience each time and
 * passes IAM's 2,048-character quota at about five KSAs; the list adds only the subject.
 */
export function webIdentityTrustPolicy(providerArn: string, issuer: string, subjects: readonly KsaRef[], audience: string): PolicyDocument {
  if (subjects.length === 0) return { Version: '2012-10-17', Statement: [] };
  const subs = [...new Set(subjects.map((s) => ksaSubject(s.namespace, s.name)))];
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: providerArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: subs.length === 1 ? subs[0] : subs,
            [`${issuer}:aud`]: audience,
          },
        },
      },
    ],
  };
}

/**
 * EKS Pod Identity trust: the EKS Auth service assumes the role and tags the session with the
 * cluster ARN, namespace and ServiceAccount of the pod; the conditions on those session tags let
 * only the bound KSAs of this cluster through, even if someone associates the role elsewhere.
 *
 * Namespace and ServiceAccount are separate tags, so one statement listing both sets would admit
 * every namespace × name pair. Namespaces with the same set of names therefore share a statement
 * (the product is then exactly the bound KSAs): one statement for many KSAs in one namespace, or
 * for the same KSA name in many namespaces.
 *
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html (the trust policy, conditions on
 *   aws:RequestTag/kubernetes-namespace and aws:RequestTag/kubernetes-service-account)
 * @see https://docs.aws.amazon.com/eks/latest/userguide/pod-id-abac.html (session tags: eks-cluster-arn,
 *   eks-cluster-name, kubernetes-namespace, kubernetes-service-account, kubernetes-pod-name, kubernetes-pod-uid)
 */
export function podIdentityTrustPolicy(clusterArn: string, subjects: readonly KsaRef[]): PolicyDocument {
  const namesByNamespace = new Map<string, Set<string>>();
  for (const s of subjects) namesByNamespace.set(s.namespace, (namesByNamespace.get(s.namespace) ?? new Set()).add(s.name));
  const groups = new Map<string, { namespaces: string[]; names: string[] }>();
  for (const [namespace, names] of namesByNamespace) {
    const sorted = [...names].sort();
    const key = sorted.join('\n');
    const group = groups.get(key) ?? { namespaces: [], names: sorted };
    group.namespaces.push(namespace);
    groups.set(key, group);
  }
  const one = (values: readonly string[]): string | readonly string[] => (values.length === 1 ? (values[0] as string) : values);
  return {
    Version: '2012-10-17',
    Statement: [...groups.values()].map((g) => ({
      Effect: 'Allow',
      Principal: { Service: POD_IDENTITY_SERVICE },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
      Condition: {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': clusterArn,
          'aws:RequestTag/kubernetes-namespace': one(g.namespaces),
          'aws:RequestTag/kubernetes-service-account': one(g.names),
        },
      },
    })),
  };
}

/**
 * What cert-manager's Route53 solver calls, and nothing more: `ChangeResourceRecordSets` (limited
 * to TXT records, on the named hosted zones only when every issuer names its zone), `GetChange`
 * while it waits for the change to be INSYNC, and `ListHostedZonesByName` only when some issuer
 * has to look its zone up. The solver never lists record sets, so `ListResourceRecordSets`
 * (in cert-manager's sample policy) is not granted.
 *
 * @param zoneIDs hosted zones of the issuers, or undefined when some issuer names none
 * @see https://cert-manager.io/docs/configuration/acme/dns01/route53/
 * @see cert-manager/cert-manager pkg/issuer/acme/dns/route53/route53.go (2d0d7f7f): the only
 *   Route53 client calls are ChangeResourceRecordSets, GetChange and ListHostedZonesByName.
 */
export function route53Policy(partition: string, zoneIDs: readonly string[] | undefined): PolicyDocument {
  const statements: Record<string, unknown>[] = [
    { Effect: 'Allow', Action: 'route53:GetChange', Resource: `arn:${partition}:route53:::change/*` },
    {
      Effect: 'Allow',
      Action: 'route53:ChangeResourceRecordSets',
      Resource: zoneIDs ? zoneIDs.map((z) => `arn:${partition}:route53:::hostedzone/${z}`) : `arn:${partition}:route53:::hostedzone/*`,
      Condition: { 'ForAllValues:StringEquals': { 'route53:ChangeResourceRecordSetsRecordTypes': ['TXT'] } },
    },
  ];
  if (!zoneIDs) statements.push({ Effect: 'Allow', Action: 'route53:ListHostedZonesByName', Resource: '*' });
  return { Version: '2012-10-17', Statement: statements };
}
