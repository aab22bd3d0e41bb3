/**
 * Reads dumps (JSON or YAML, one or many documents) and files each value under the fact it
 * shows, by shape. A value no reader knows is an input error: a silently ignored dump would make
 * a broken link look "not checked" instead of telling the user the file was not understood.
 */
import { parseAllDocuments } from 'yaml';
import {
  get,
  isObject,
  str,
  type Facts,
  type GcpResourceLabel,
  type Json,
  type JsonObject,
} from './facts.js';

/** What `wi-gen doctor --help` lists as readable dumps. */
export const KNOWN_DUMPS = [
  'kubectl get … -o json (a List or one object)',
  'gcloud … get-iam-policy --format=json (label it: gsa:EMAIL=FILE, project:ID=FILE, zone:PROJECT/ZONE=FILE)',
  'gcloud container clusters describe / node-pools list, gcloud iam service-accounts describe --format=json',
  'az aks show, az identity show, az identity federated-credential list, az role assignment list',
  'aws eks describe-cluster, aws iam get-role, aws iam get-role-policy, aws eks list-pod-identity-associations / describe-pod-identity-association, aws eks list-addons / describe-addon',
] as const;

export class DumpError extends Error {}

/** `gsa:EMAIL=path`, `project:ID=path`, `zone:PROJECT/ZONE=path`, or just `path`. */
export function splitLabel(arg: string): { label?: GcpResourceLabel; path: string } {
  const m = /^(gsa|project|zone):([^=]+)=(.+)$/.exec(arg);
  if (!m) return { path: arg };
  const [, type, value, path] = m as unknown as [string, string, string, string];
  if (type === 'gsa') return { label: { type: 'serviceAccount', email: value }, path };
  if (type === 'project') return { label: { type: 'project', project: value }, path };
  const slash = value.indexOf('/');
  return slash < 0
    ? { label: { type: 'managedZone', zone: value }, path }
    : { label: { type: 'managedZone', project: value.slice(0, slash), zone: value.slice(slash + 1) }, path };
}

/** Parses one dump's text into values: a JSON document, or every YAML document of a stream. */
export function parseDump(text: string, source: string): Json[] {
  const trimmed = text.trim();
  if (trimmed === '') throw new DumpError(`${source}: empty dump`);
  try {
    return [JSON.parse(trimmed) as Json];
  } catch {
    // not JSON: YAML (kubectl -o yaml, or several documents)
  }
  const docs = parseAllDocuments(text);
  const values: Json[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) throw new DumpError(`${source}: neither JSON nor YAML (${doc.errors[0]?.message.split('\n')[0]})`);
    const v = doc.toJS({ maxAliasCount: 100 }) as Json;
    if (v !== null && v !== undefined) values.push(v);
  }
  return values;
}

/** Files every value of a dump under its fact; throws DumpError for a value of no known shape. */
export function addDump(facts: Facts, values: readonly Json[], source: string, label?: GcpResourceLabel): void {
  for (const value of values) {
    if (!classify(facts, value, source, label)) {
      throw new DumpError(`${source}: not a dump wi-gen doctor reads; it reads:\n  ${KNOWN_DUMPS.join('\n  ')}`);
    }
  }
}

function classify(facts: Facts, value: Json, source: string, label?: GcpResourceLabel): boolean {
  if (Array.isArray(value)) {
    // az and gcloud print lists as bare arrays; an empty one is still evidence of its kind only
    // when we can tell the kind, which we cannot: accept it as "nothing there".
    return value.every((v) => classify(facts, v, source, label));
  }
  if (!isObject(value)) return false;
  if (typeof value['kind'] === 'string' && typeof value['apiVersion'] === 'string') return addKube(facts, value, source);
  if (Array.isArray(value['bindings']) || (typeof value['etag'] === 'string' && 'version' in value && !('kind' in value))) {
    facts.iamPolicies.push({
      ...(label ? { resource: label } : {}),
      bindings: (value['bindings'] as Json[] | undefined ?? []).filter(isObject).map((b) => ({
        role: str(b['role']) ?? '',
        members: (Array.isArray(b['members']) ? b['members'] : []).filter((m): m is string => typeof m === 'string'),
        conditional: isObject(b['condition']),
      })),
      source,
    });
    return true;
  }
  if (typeof value['email'] === 'string' && typeof value['uniqueId'] === 'string') {
    facts.gcpServiceAccounts.push({ email: value['email'], disabled: value['disabled'] === true, source });
    return true;
  }
  if (isObject(value['workloadIdentityConfig']) || (str(value['selfLink'])?.includes('/clusters/') && !str(value['selfLink'])?.includes('/nodePools/'))) {
    facts.gkeClusters.push({
      name: str(value['name']) ?? '',
      ...(str(get(value, 'workloadIdentityConfig', 'workloadPool')) ? { workloadPool: str(get(value, 'workloadIdentityConfig', 'workloadPool')) as string } : {}),
      autopilot: get(value, 'autopilot', 'enabled') === true,
      source,
    });
    return true;
  }
  if (str(value['selfLink'])?.includes('/nodePools/') || (isObject(value['config']) && 'initialNodeCount' in value)) {
    const mode = str(get(value, 'config', 'workloadMetadataConfig', 'mode'));
    facts.nodePools.push({ name: str(value['name']) ?? '', ...(mode ? { metadataMode: mode } : {}), source });
    return true;
  }
  const type = (str(value['type']) ?? '').toLowerCase();
  if (type === 'microsoft.containerservice/managedclusters' || isObject(value['oidcIssuerProfile'])) {
    facts.aksClusters.push({
      name: str(value['name']) ?? '',
      ...(str(get(value, 'oidcIssuerProfile', 'issuerUrl')) ? { issuerUrl: str(get(value, 'oidcIssuerProfile', 'issuerUrl')) as string } : {}),
      oidcEnabled: get(value, 'oidcIssuerProfile', 'enabled') === true,
      workloadIdentityEnabled: get(value, 'securityProfile', 'workloadIdentity', 'enabled') === true,
      ...optional('kubeletObjectId', str(get(value, 'identityProfile', 'kubeletidentity', 'objectId'))),
      ...optional('kubeletClientId', str(get(value, 'identityProfile', 'kubeletidentity', 'clientId'))),
      source,
    });
    return true;
  }
  if (type === 'microsoft.managedidentity/userassignedidentities') {
    facts.azureIdentities.push({
      name: str(value['name']) ?? '',
      ...optional('resourceGroup', str(value['resourceGroup'])),
      ...optional('clientId', str(value['clientId'])),
      ...optional('principalId', str(value['principalId'])),
      source,
    });
    return true;
  }
  if (type === 'microsoft.managedidentity/userassignedidentities/federatedidentitycredentials' || (typeof value['issuer'] === 'string' && typeof value['subject'] === 'string')) {
    facts.federatedCredentialsSeen = true;
    const identityName = /\/userAssignedIdentities\/([^/]+)\/federatedIdentityCredentials\//i.exec(str(value['id']) ?? '')?.[1];
    facts.federatedCredentials.push({
      name: str(value['name']) ?? '',
      ...optional('identityName', identityName),
      issuer: str(value['issuer']) as string,
      subject: str(value['subject']) as string,
      audiences: (Array.isArray(value['audiences']) ? value['audiences'] : []).filter((a): a is string => typeof a === 'string'),
      source,
    });
    return true;
  }
  if (typeof value['principalId'] === 'string' && typeof value['scope'] === 'string' && ('roleDefinitionId' in value || 'roleDefinitionName' in value)) {
    facts.roleAssignmentsSeen = true;
    facts.roleAssignments.push({
      principalId: (value['principalId'] as string).toLowerCase(),
      ...optional('roleName', str(value['roleDefinitionName'])),
      ...optional('roleGuid', str(value['roleDefinitionId'])?.split('/').pop()?.toLowerCase()),
      scope: value['scope'] as string,
      source,
    });
    return true;
  }
  if (isObject(value['cluster']) && (isObject(get(value, 'cluster', 'identity')) || str(get(value, 'cluster', 'arn'))?.includes(':eks:'))) {
    facts.eksClusters.push({
      name: str(get(value, 'cluster', 'name')) ?? '',
      ...optional('issuer', str(get(value, 'cluster', 'identity', 'oidc', 'issuer'))),
      source,
    });
    return true;
  }
  if (isObject(value['Role'])) {
    const role = value['Role'];
    facts.iamRoles.push({
      name: str(role['RoleName']) ?? '',
      arn: str(role['Arn']) ?? '',
      ...optional('trust', policyDocument(role['AssumeRolePolicyDocument'])),
      source,
    });
    return true;
  }
  if (typeof value['RoleName'] === 'string' && typeof value['PolicyName'] === 'string') {
    const document = policyDocument(value['PolicyDocument']);
    if (document) facts.iamRolePolicies.push({ roleName: value['RoleName'], policyName: value['PolicyName'], document, source });
    return true;
  }
  if (Array.isArray(value['PolicyNames']) || Array.isArray(value['AttachedPolicies'])) return true; // names only: no document to check
  if (Array.isArray(value['associations']) || isObject(value['association'])) {
    facts.podIdentityAssociationsSeen = true;
    const list = Array.isArray(value['associations']) ? value['associations'] : [value['association']];
    for (const a of list.filter(isObject)) {
      facts.podIdentityAssociations.push({
        ...optional('clusterName', str(a['clusterName'])),
        namespace: str(a['namespace']) ?? '',
        serviceAccount: str(a['serviceAccount']) ?? '',
        ...optional('roleArn', str(a['roleArn'])),
        source,
      });
    }
    return true;
  }
  if (Array.isArray(value['addons']) || isObject(value['addon'])) {
    facts.addonsSeen = true;
    if (isObject(value['addon'])) facts.addons.set(str(value['addon']['addonName']) ?? '', str(value['addon']['status']));
    else for (const name of value['addons'] as Json[]) if (typeof name === 'string') facts.addons.set(name, undefined);
    return true;
  }
  return false;
}

function addKube(facts: Facts, value: JsonObject, source: string): boolean {
  const kind = value['kind'] as string;
  if (kind === 'List' || (kind.endsWith('List') && Array.isArray(value['items']))) {
    for (const item of (value['items'] as Json[] | undefined) ?? []) {
      if (isObject(item) && typeof item['kind'] === 'string') addKube(facts, item, source);
    }
    return true;
  }
  facts.kube.push({
    kind,
    namespace: str(get(value, 'metadata', 'namespace')) ?? '',
    name: str(get(value, 'metadata', 'name')) ?? '',
    raw: value,
  });
  return true;
}

/** IAM answers policy documents as objects (CLI) or URL-encoded JSON (API). */
function policyDocument(value: unknown): JsonObject | undefined {
  if (isObject(value)) return value;
  if (typeof value !== 'string') return undefined;
  for (const text of [value, safeDecode(value)]) {
    try {
      const parsed = JSON.parse(text) as unknown;
      if (isObject(parsed)) return parsed;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
