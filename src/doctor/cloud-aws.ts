/**
 * AWS links: the cluster's OIDC issuer, the role's trust policy (evaluated, not compared as
 * text: any policy that admits the subject and audience is right), Pod Identity associations and
 * agent, and the Route53 rights of roles that serve issuers.
 */
import type { Identity, Model, ServiceAccountBinding } from '../model/model.js';
import type { MethodContext } from '../model/method.js';
import { eksCluster, oidcProvider, issuersOf, type AwsRoleConfig } from '../methods/shared/aws-role.js';
import { POD_IDENTITY_SERVICE, STS_AUDIENCE, eksClusterArn, ksaSubject, parseRoleArn, type KsaRef } from '../methods/names/aws.js';
import { awsPartition } from '../schema/common.js';
import { get, isObject, type Facts, type JsonObject } from './facts.js';
import { broken, ok, unchecked, type Link } from './link.js';

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/** IAM condition operators wi-gen's trust policies use, and how a value matches. */
function conditionMatches(operator: string, want: string, values: unknown): boolean {
  const list = asList(values).filter((v): v is string => typeof v === 'string');
  if (operator === 'StringEquals' || operator === 'ForAnyValue:StringEquals') return list.includes(want);
  if (operator === 'StringLike' || operator === 'ForAnyValue:StringLike') {
    return list.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(want));
  }
  return false;
}

/** Does some Allow statement let `principal` do `action` with these condition-key values? */
function trustAdmits(policy: JsonObject, principal: { Federated?: string; Service?: string }, actions: readonly string[], keys: Readonly<Record<string, string>>): boolean {
  return asList(policy['Statement']).filter(isObject).some((s) => {
    if (s['Effect'] !== 'Allow') return false;
    const p = s['Principal'];
    const principalOk = principal.Federated
      ? asList(get(p, 'Federated')).includes(principal.Federated)
      : asList(get(p, 'Service')).includes(principal.Service as string);
    if (!principalOk) return false;
    const allowed = asList(s['Action']);
    if (!actions.every((a) => allowed.includes(a) || allowed.includes('sts:*'))) return false;
    const conditions = isObject(s['Condition']) ? s['Condition'] : {};
    // Every condition on a key we know must match; conditions on keys we do not know are ignored.
    for (const [operator, block] of Object.entries(conditions)) {
      if (!isObject(block)) continue;
      for (const [key, values] of Object.entries(block)) {
        if (!Object.hasOwn(keys, key)) continue;
        if (!conditionMatches(operator, keys[key] as string, values)) return false;
      }
    }
    // A web-identity trust without a subject condition admits every KSA: wi-gen never writes one, and it must not pass.
    return Object.keys(keys).every((k) => Object.values(conditions).some((b) => isObject(b) && Object.hasOwn(b, k)));
  });
}

/** The subjects a trust policy names for `key`, to say who it admits instead. */
function namedValues(policy: JsonObject, key: string): string[] {
  return asList(policy['Statement']).filter(isObject).flatMap((s) =>
    Object.values(isObject(s['Condition']) ? s['Condition'] : {}).flatMap((b) => (isObject(b) && Object.hasOwn(b, key) ? asList(b[key]).filter((v): v is string => typeof v === 'string') : [])),
  );
}

export function eksClusterLinks(model: Model, facts: Facts, needsOidc: boolean): Link[] {
  const eks = model.cluster.eks;
  if (!eks || !needsOidc || !eks.oidcProviderARN) return [];
  const ctx: MethodContext = { model };
  const issuer = `https://${oidcProvider(ctx).issuer}`;
  const name = eks.clusterName ?? model.cluster.name;
  const title = `cluster ${name}'s OIDC issuer is the IAM OIDC provider's (${issuer})`;
  const cluster = facts.eksClusters.find((c) => c.name === name) ?? facts.eksClusters[0];
  if (!cluster) return [unchecked('aws.oidc-issuer', title, `aws eks describe-cluster --name ${name} --region ${eks.region}`)];
  if (cluster.issuer !== issuer) {
    return [broken('aws.oidc-issuer', title, `the cluster's issuer is ${cluster.issuer ?? '(none)'}`,
      `set cluster.eks.oidcProviderARN to the provider of ${cluster.issuer} (aws iam list-open-id-connect-providers; eksctl utils associate-iam-oidc-provider --cluster ${name} --approve creates it)`)];
  }
  return [ok('aws.oidc-issuer', title)];
}

function roleFact(identity: Identity<AwsRoleConfig>, facts: Facts) {
  const arn = identity.config.roleARN;
  const name = parseRoleArn(arn)?.name;
  return facts.iamRoles.find((r) => r.arn === arn) ?? facts.iamRoles.find((r) => r.name === name);
}

function trustLink(identity: Identity<AwsRoleConfig>, facts: Facts, subject: string, build: () => { principal: { Federated?: string; Service?: string }; actions: string[]; keys: Record<string, string>; what: string; subjectKey?: string }): Link {
  const roleName = parseRoleArn(identity.config.roleARN)?.name ?? identity.config.roleARN;
  const want = build();
  const id = `aws.trust:${subject}`;
  const title = `role ${roleName} trusts ${want.what}`;
  const role = roleFact(identity, facts);
  if (!role || !role.trust) return unchecked(id, title, `aws iam get-role --role-name ${roleName}`);
  if (trustAdmits(role.trust, want.principal, want.actions, want.keys)) return ok(id, title);
  const named = want.subjectKey ? namedValues(role.trust, want.subjectKey) : [];
  const detail = named.length > 0
    ? `the trust policy admits ${named.join(', ')}${Object.entries(want.keys).filter(([k]) => k !== want.subjectKey).map(([k, v]) => (namedValues(role.trust as JsonObject, k).includes(v) ? '' : `; ${k} is not ${v}`)).join('')}`
    : 'the trust policy has no statement for this principal and action';
  return broken(id, title, detail, `run out/cloud/aws.sh (aws iam update-assume-role-policy --role-name ${roleName} --policy-document file://… with the trust policy it writes)`);
}

export function irsaLinks(identity: Identity<AwsRoleConfig>, binding: KsaRef, facts: Facts, ctx: MethodContext, audience = STS_AUDIENCE): Link[] {
  const provider = oidcProvider(ctx);
  const providerArn = eksCluster(ctx).oidcProviderARN as string;
  const subject = ksaSubject(binding.namespace, binding.name);
  return [trustLink(identity, facts, subject, () => ({
    principal: { Federated: providerArn },
    actions: ['sts:AssumeRoleWithWebIdentity'],
    keys: { [`${provider.issuer}:sub`]: subject, [`${provider.issuer}:aud`]: audience },
    subjectKey: `${provider.issuer}:sub`,
    what: `${subject} (audience ${audience}) through ${providerArn}`,
  }))];
}

export function podIdentityLinks(identity: Identity<AwsRoleConfig>, binding: ServiceAccountBinding, facts: Facts, ctx: MethodContext): Link[] {
  const eks = eksCluster(ctx);
  const name = eks.clusterName ?? ctx.model.cluster.name;
  const links: Link[] = [];
  const agentTitle = 'the EKS Pod Identity Agent add-on runs';
  if (!facts.addonsSeen) links.push(unchecked('aws.pod-identity-agent', agentTitle, `aws eks list-addons --cluster-name ${name} --region ${eks.region}`));
  else if (!facts.addons.has('eks-pod-identity-agent')) {
    links.push(broken('aws.pod-identity-agent', agentTitle, 'the cluster has no eks-pod-identity-agent add-on', `aws eks create-addon --cluster-name ${name} --addon-name eks-pod-identity-agent --region ${eks.region}`));
  } else {
    const status = facts.addons.get('eks-pod-identity-agent');
    links.push(status && status !== 'ACTIVE'
      ? broken('aws.pod-identity-agent', agentTitle, `eks-pod-identity-agent is ${status}`, `aws eks describe-addon --cluster-name ${name} --addon-name eks-pod-identity-agent --region ${eks.region}`)
      : ok('aws.pod-identity-agent', agentTitle));
  }
  const role = identity.config.roleARN;
  const assocTitle = `Pod Identity association ${binding.namespace}/${binding.name} → ${role}`;
  const create = `aws eks create-pod-identity-association --cluster-name ${name} --namespace ${binding.namespace} --service-account ${binding.name} --role-arn ${role} --region ${eks.region}`;
  if (!facts.podIdentityAssociationsSeen) {
    links.push(unchecked('aws.pod-identity-association', assocTitle, `aws eks list-pod-identity-associations --cluster-name ${name} --region ${eks.region}, then describe-pod-identity-association for each`));
  } else {
    const mine = facts.podIdentityAssociations.filter((a) => a.clusterName === undefined || a.clusterName === name);
    const exact = mine.find((a) => a.namespace === binding.namespace && a.serviceAccount === binding.name);
    if (exact && (exact.roleArn === undefined || exact.roleArn === role)) {
      links.push(exact.roleArn === undefined
        ? unchecked('aws.pod-identity-association', assocTitle, 'aws eks describe-pod-identity-association (the list does not show the role)')
        : ok('aws.pod-identity-association', assocTitle));
    } else if (exact) {
      links.push(broken('aws.pod-identity-association', assocTitle, `the association points at ${exact.roleArn}`, `run out/cloud/aws.sh (aws eks update-pod-identity-association --cluster-name ${name} --association-id ID --role-arn ${role} --region ${eks.region})`));
    } else {
      const other = mine.find((a) => a.serviceAccount === binding.name);
      links.push(broken('aws.pod-identity-association', assocTitle, other ? `the association for ${binding.name} is in namespace ${other.namespace}` : `no association for ${binding.namespace}/${binding.name}`, create));
    }
  }
  const clusterArn = eksClusterArn(awsPartition(eks.region), eks.region, eks.accountID, name);
  const subject = ksaSubject(binding.namespace, binding.name);
  links.push(trustLink(identity, facts, subject, () => ({
    principal: { Service: POD_IDENTITY_SERVICE },
    actions: ['sts:AssumeRole', 'sts:TagSession'],
    keys: {
      'aws:RequestTag/eks-cluster-arn': clusterArn,
      'aws:RequestTag/kubernetes-namespace': binding.namespace,
      'aws:RequestTag/kubernetes-service-account': binding.name,
    },
    subjectKey: 'aws:RequestTag/kubernetes-service-account',
    what: `${POD_IDENTITY_SERVICE} for ${binding.namespace}/${binding.name}`,
  })));
  return links;
}

/** A role serving issuers can change their zones' TXT records. */
export function route53Links(identity: Identity<AwsRoleConfig>, facts: Facts, ctx: MethodContext): Link[] {
  const issuers = issuersOf(identity, ctx).filter((i) => i.dns01.route53 !== undefined);
  if (issuers.length === 0) return [];
  const roleName = parseRoleArn(identity.config.roleARN)?.name ?? identity.config.roleARN;
  const partition = awsPartition(eksCluster(ctx).region);
  const zones = [...new Set(issuers.map((i) => i.dns01.route53?.hostedZoneID ?? '*'))];
  return zones.map((zone) => {
    const resource = `arn:${partition}:route53:::hostedzone/${zone}`;
    const id = `aws.route53:${zone}`;
    const title = `role ${roleName} may change TXT records in hosted zone ${zone}`;
    const policies = facts.iamRolePolicies.filter((p) => p.roleName === roleName);
    if (policies.length === 0) return unchecked(id, title, `aws iam get-role-policy --role-name ${roleName} --policy-name wi-gen-route53-dns01`);
    const allows = policies.some((p) => asList(p.document['Statement']).filter(isObject).some((s) =>
      s['Effect'] === 'Allow' &&
      asList(s['Action']).some((a) => a === 'route53:ChangeResourceRecordSets' || a === 'route53:*') &&
      asList(s['Resource']).some((r) => r === resource || r === '*' || r === `arn:${partition}:route53:::hostedzone/*`)));
    return allows ? ok(id, title) : broken(id, title, `no inline policy of ${roleName} allows route53:ChangeResourceRecordSets on ${resource}`, 'run out/cloud/aws.sh (it puts the wi-gen-route53-dns01 inline policy)');
  });
}
