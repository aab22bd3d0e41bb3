// Test-only validator for built-in Kubernetes kinds (ServiceAccount, Secret, ConfigMap, Namespace, Role,
// RoleBinding, ClusterRole, ClusterRoleBinding, Deployment, StatefulSet, DaemonSet, Job, CronJob, ...), which
// have no CRD in test/upstream. As strict as validateObject() in ./upstream.ts (design §5).
//
//   validateCoreObject(obj)        one built-in object against the Kubernetes OpenAPI schema, STRICTLY
//   hasCoreSchemaFor(apiVersion, kind)
//   validateKubernetesObject(obj)  dispatch: CRD kinds -> validateObject(), built-in kinds -> validateCoreObject()
//
// Data source: kubernetes-models@4.5.1 (devDependency). Its model classes (`kubernetes-models/<group>/<version>/
// <Kind>`, core group `kubernetes-models/v1/<Kind>`) carry ajv validators generated from the upstream Kubernetes
// OpenAPI document (types, required fields, enums, formats such as int32 and quantity), so an apiVersion/kind maps
// to its module with no hand-written list. Its schemas are not strict: an unknown key passes.
//
// How unknown fields are found: the validators are precompiled ajv code, and the raw schema is not shipped (and no
// package in node_modules ships the Kubernetes swagger.json). But the generated code reads every property its
// schema declares (`void 0===data.serviceAccountName||validate(...)`), for every object it validates, present or
// not, and reads every key of a map (`for (key in data) validate(data[key])`). So the object is validated through a
// Proxy that records, per object, which keys the validator read: a key it never read is not in the schema. Every
// name here is the JSON name from the OpenAPI document, so the check is exact JSON-to-JSON.
//   - An object the validator read nothing from is free-form in the schema (an object type with no properties,
//     such as FieldsV1 or RawExtension) and is not checked, like the API server's
//     x-kubernetes-preserve-unknown-fields. Or it was the wrong type, which layer 1 reports.
//   - Any flaw leans lenient, never strict: a keyword that walks a whole value (a deep-equal `enum` or
//     `uniqueItems` on objects) would mark its keys as read. None of kubernetes-models' validators use one
//     (no runtime/equal import), and test/core-schemas.test.ts asserts misspelt fields at several depths are caught.
//   - A map (additionalProperties: ..., labels, nodeSelector, resources.limits) has every key read: any key goes.
//
// Alternatives rejected:
//   - Round trip through cdk8s-plus-27's L1 classes (`kplus.k8s.KubeDeployment.manifest()` / toJson_*): their
//     props are not the JSON names (`hostIPC` is prop `hostIpc`, `hostPID` is `hostPid`), quantities and
//     int-or-strings are wrapper classes (`Quantity.fromString('100m')`, `IntOrString`), and the data is
//     Kubernetes 1.27. Raw JSON fed in would lose valid fields, so it needs a hand-kept inverse mapping. Its
//     .jsii assembly lists the same structs with the same camelCase prop names: no JSON names either.
//   - Walking the kubernetes-models .d.ts interfaces with the TypeScript compiler: the same data (the quoted
//     JSON names), but slow (a type-checker program per run) and it re-derives what the validator already knows.
//
// On top of the schema, the ObjectMeta rules the API server applies to every object and that the OpenAPI schema
// does not state: the root object needs metadata.name (or generateName); label keys and values and annotation
// keys must have the Kubernetes syntax (checked in every `metadata`, which is ObjectMeta everywhere in the
// built-in APIs: pod and job templates, volumeClaimTemplates).
// Not checked: the API server's semantic validation (selector matching template labels, per-kind name rules,
// immutable fields), scope (a namespace on a cluster-scoped kind), defaulting, and CEL rules.
import { createRequire } from 'node:module';
import { hasSchemaFor, validateObject } from './upstream.js';

const require = createRequire(import.meta.url);

/** An ajv error as the kubernetes-models validators report it (ajv-i18n has filled in `message`). */
interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message?: string;
}

/** What a kubernetes-models model class looks like from here. */
interface ModelClass {
  apiVersion?: unknown;
  kind?: unknown;
  prototype: { validate(this: unknown): void };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

// ---------------------------------------------------------------------------------------------- models

const modelCache = new Map<string, ModelClass | undefined>();

/** kubernetes-models' class for a top-level kind, or undefined. The module path is derived, not listed. */
function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion} ${kind}`;
  if (modelCache.has(key)) return modelCache.get(key);
  let model: ModelClass | undefined;
  const { group, version } = splitApiVersion(apiVersion);
  // Guard the module path: only names that can be an API group, version and Kind reach require().
  if (
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$/.test(group) &&
    /^v[0-9]+((alpha|beta)[0-9]+)?$/.test(version) &&
    /^[A-Z][A-Za-z0-9]*$/.test(kind)
  ) {
    const path = group === '' ? `kubernetes-models/${version}/${kind}` : `kubernetes-models/${group}/${version}/${kind}`;
    try {
      const mod = require(path) as Record<string, unknown>;
      const candidate = mod[kind] as ModelClass | undefined;
      // Nested types (v1/PodSpec) are models too, but only top-level kinds declare apiVersion and kind.
      if (candidate && candidate.apiVersion === apiVersion && candidate.kind === kind) model = candidate;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw err;
    }
  }
  modelCache.set(key, model);
  return model;
}

/** True when kubernetes-models has a schema for this built-in apiVersion and kind. */
export function hasCoreSchemaFor(apiVersion: string, kind: string): boolean {
  return modelFor(apiVersion, kind) !== undefined;
}

// ---------------------------------------------------------------------------------------------- read tracking

interface TrackedObject {
  path: string; // ".spec.template" (JSON path from the root, "" for the root)
  target: Record<string, unknown>;
  read: Set<string>;
}

const pathOf = (parent: string, key: string | number): string =>
  typeof key === 'number'
    ? `${parent}[${key}]`
    : /^[A-Za-z_$][\w$-]*$/.test(key)
      ? `${parent}.${key}`
      : `${parent}[${JSON.stringify(key)}]`;

/**
 * Wraps a JSON value (a tree: no shared nodes, no frozen objects) so that every key read from any object in it
 * is recorded in `objects`. Arrays are wrapped too, so that their elements are.
 */
function track(value: unknown, path: string, objects: TrackedObject[]): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const children = new Map<string, unknown>();
  const child = (target: object, key: string): unknown => {
    const v: unknown = Reflect.get(target, key);
    if (typeof v !== 'object' || v === null) return v;
    let proxy = children.get(key);
    if (proxy === undefined) {
      proxy = track(v, pathOf(path, Array.isArray(target) && /^\d+$/.test(key) ? Number(key) : key), objects);
      children.set(key, proxy);
    }
    return proxy;
  };
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get: (t, k, r) => (typeof k === 'string' && Object.hasOwn(t, k) ? child(t, k) : Reflect.get(t, k, r)),
    });
  }
  const record: TrackedObject = { path, target: value as Record<string, unknown>, read: new Set() };
  objects.push(record);
  return new Proxy(value, {
    get: (t, k, r) => {
      if (typeof k !== 'string') return Reflect.get(t, k, r);
      record.read.add(k);
      return Object.hasOwn(t, k) ? child(t, k) : Reflect.get(t, k, r);
    },
    has: (t, k) => {
      if (typeof k === 'string') record.read.add(k);
      return Reflect.has(t, k);
    },
  });
}

// ---------------------------------------------------------------------------------------------- errors

/** "/spec/template/spec/containers/0/args" -> ".spec.template.spec.containers[0].args", and the value there. */
function resolvePointer(pointer: string, data: unknown): { path: string; value: unknown } {
  let path = '';
  let cur: unknown = data;
  if (pointer !== '') {
    for (const raw of pointer.slice(1).split('/')) {
      const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (Array.isArray(cur)) {
        path = pathOf(path, Number(seg));
        cur = cur[Number(seg)];
      } else {
        path = pathOf(path, seg);
        cur = isRecord(cur) ? cur[seg] : undefined;
      }
    }
  }
  return { path: path || '(root)', value: cur };
}

function describe(e: AjvError, data: unknown): string {
  const { path, value } = resolvePointer(e.instancePath, data);
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return `${path}: missing required field ${JSON.stringify(p['missingProperty'])}`;
    case 'type':
      return `${path}: must be ${String(p['type'])}, got ${JSON.stringify(value)}`;
    case 'enum':
      return `${path}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${JSON.stringify(value)}`;
    case 'format':
      return `${path}: ${JSON.stringify(value)} is not a valid ${String(p['format'])}`;
    default:
      return `${path}: ${e.message ?? e.keyword}`;
  }
}

/**
 * Readable lines from the validator's errors. A oneOf of plain types (IntOrString: integer or string; Quantity:
 * number or string) reports one error per failing branch plus the oneOf itself. When only `type` errors remain,
 * that becomes one line, "must be number or string, got true"; when a branch accepted the type but failed on
 * something else ("64 Mi" is a string but not a quantity), only that failure is kept.
 */
function describeAll(errors: AjvError[], data: unknown, prefix: string): string[] {
  const byPath = new Map<string, AjvError[]>();
  for (const e of errors) byPath.set(e.instancePath, [...(byPath.get(e.instancePath) ?? []), e]);
  const lines: string[] = [];
  for (const [pointer, group] of byPath) {
    const isUnion = (e: AjvError): boolean => e.keyword === 'oneOf' || e.keyword === 'anyOf';
    const branches = group.filter((e) => !isUnion(e));
    if (!group.some(isUnion) || branches.length === 0) {
      lines.push(...group.map((e) => prefix + describe(e, data)));
    } else if (branches.every((e) => e.keyword === 'type')) {
      const { path, value } = resolvePointer(pointer, data);
      const types = [...new Set(branches.map((e) => String(e.params['type'])))];
      lines.push(`${prefix}${path}: must be ${types.join(' or ')}, got ${JSON.stringify(value)}`);
    } else {
      lines.push(...branches.filter((e) => e.keyword !== 'type').map((e) => prefix + describe(e, data)));
    }
  }
  return [...new Set(lines)];
}

// ---------------------------------------------------------------------------------------------- ObjectMeta

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** apimachinery's IsQualifiedName: an optional DNS-subdomain prefix (<= 253) and "/", a name of <= 63. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'at most one "/"';
  const [prefix, name] = parts.length === 2 ? [parts[0]!, parts[1]!] : [undefined, key];
  if (prefix !== undefined && (prefix.length === 0 || prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))) {
    return 'prefix must be a DNS subdomain';
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return 'name part must be 1-63 characters [A-Za-z0-9_.-], starting and ending with an alphanumeric';
  }
  return undefined;
}

function metadataProblems(meta: Record<string, unknown>, at: string): string[] {
  const problems: string[] = [];
  for (const field of ['labels', 'annotations'] as const) {
    const map = meta[field];
    if (!isRecord(map)) continue;
    for (const [key, value] of Object.entries(map)) {
      const keyProblem = qualifiedNameProblem(key);
      if (keyProblem) problems.push(`${pathOf(`${at}.${field}`, key)}: invalid key (${keyProblem})`);
      if (field === 'labels' && typeof value === 'string' && (value.length > 63 || !LABEL_VALUE.test(value))) {
        problems.push(
          `${pathOf(`${at}.${field}`, key)}: ${JSON.stringify(value)} is not a valid label value ` +
            '(at most 63 characters [A-Za-z0-9_.-], starting and ending with an alphanumeric)',
        );
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------- public API

/**
 * Validates one built-in Kubernetes object (must have apiVersion and kind) against kubernetes-models' schema for
 * it, strictly: a field the schema does not declare is an error. Returns readable error strings, each prefixed
 * with `Kind/name `; [] means valid.
 */
export function validateCoreObject(input: unknown): string[] {
  // As serialised: drops undefined-valued keys (YAML/JSON output omits them), turns Dates into strings, and
  // makes a fresh tree the tracking proxies can wrap.
  const obj: unknown = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  if (!isRecord(obj)) return [`not a Kubernetes object: ${JSON.stringify(obj)}`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['object has no apiVersion/kind strings'];
  const meta = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const label = `${kind}/${typeof meta['name'] === 'string' ? meta['name'] : '<unnamed>'} `;

  const model = modelFor(apiVersion, kind);
  if (!model) return [`${label}(root): no built-in Kubernetes schema (kubernetes-models) for apiVersion ${apiVersion} kind ${kind}`];

  // Layer 1: the model's own validation. A model's validate() is runValidateFunc(generatedValidator, this), so it
  // is called on the tracked plain object rather than on `new Model(obj)`, whose constructor copies (reads) every
  // key and would defeat the tracking.
  const objects: TrackedObject[] = [];
  const tracked = track(obj, '', objects);
  const errors: string[] = [];
  try {
    model.prototype.validate.call(tracked);
  } catch (err) {
    const ajvErrors = (err as { errors?: unknown }).errors;
    if (!Array.isArray(ajvErrors)) throw err;
    errors.push(...describeAll(ajvErrors as AjvError[], obj, label));
  }

  // Layer 2: keys the validator never read are not in the schema (see the header).
  for (const o of objects) {
    if (o.read.size === 0) continue; // free-form in the schema, or the wrong type (reported above)
    for (const key of Object.keys(o.target)) {
      if (!o.read.has(key)) {
        errors.push(
          `${label}${pathOf(o.path, key)}: unknown field (not in the ${apiVersion} ${kind} OpenAPI schema; ` +
            'the API server would drop it)',
        );
      }
    }
  }

  // ObjectMeta rules (see the header).
  if (meta['name'] === undefined && meta['generateName'] === undefined) {
    errors.push(`${label}.metadata: missing required field "name"`);
  }
  for (const o of objects) {
    if (o.path === '.metadata' || o.path.endsWith('.metadata')) {
      errors.push(...metadataProblems(o.target, o.path).map((p) => label + p));
    }
  }
  return errors;
}

/**
 * Validates any Kubernetes object this project emits: a kind with a CRD in test/upstream goes to
 * validateObject() (./upstream.ts), a built-in kind to validateCoreObject(); anything else is one error.
 */
export function validateKubernetesObject(input: unknown): string[] {
  const obj: unknown = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  if (!isRecord(obj)) return [`not a Kubernetes object: ${JSON.stringify(obj)}`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return ['object has no apiVersion/kind strings'];
  if (hasSchemaFor(apiVersion, kind)) return validateObject(obj);
  if (hasCoreSchemaFor(apiVersion, kind)) return validateCoreObject(obj);
  return [`no schema known for ${apiVersion} ${kind}`];
}
