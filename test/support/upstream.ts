// Test-only validators backed by facts about upstream APIs kept in test/upstream/: trimmed, description-free
// JSON made by scripts/upstream-facts.mjs from ../shared/upstream (test/upstream-facts.test.ts fails when it is
// stale), so that the tests need nothing beside the repository.
//
//   validateObject(obj)        one Kubernetes object against its CRD's openAPIV3Schema, STRICTLY (design §5)
//   hasSchemaFor(apiVersion, kind)
//   validateHelmValues(values) against cert-manager v1.21.1's values.schema.json
//
// Why strict: the API server silently prunes fields a structural CRD schema does not declare, so a misspelt
// field (`cloudDns` for `cloudDNS`) is dropped without an error. Here every object schema that is not
// `x-kubernetes-preserve-unknown-fields: true` and does not declare `additionalProperties` is closed
// (`additionalProperties: false`), which turns "silently pruned" into a test failure.
//
// Other Kubernetes-isms handled (see prepareCrdSchema):
//   - Go (RE2) regexps: a leading `(?i)` (Azure Service Operator's ARM-id patterns) becomes the JS `i` flag,
//     through ajv's `code.regExp` engine option; Go syntax JS cannot express is refused loudly (goRegExp).
//   - `nullable: true` adds "null" to the type (and to `enum`); without it a null is an error, since the
//     API server would drop the field.
//   - `x-kubernetes-int-or-string` accepts an integer or a string.
//   - `x-kubernetes-embedded-resource` gets apiVersion/kind/metadata like the API server gives it.
//   - `x-kubernetes-list-type: set` -> uniqueItems; `map` -> entries unique by `x-kubernetes-list-map-keys`.
//   - the root `metadata` (declared as a bare `type: object` in CRDs) is checked as ObjectMeta.
//   - formats: the ones ajv-formats knows and Kubernetes also means are checked (date-time, byte, int32, ...),
//     `duration` is a Go duration (not ISO 8601), any other format is accepted (Kubernetes ignores them).
// Not checked: `x-kubernetes-validations` (CEL rules) and defaulting.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type SchemaNode = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------- locations

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of test/upstream/, the project's trimmed copy of the upstream facts. */
export const factsDir = join(repoRoot, 'test', 'upstream');

/** Absolute path of the shared/ directory that sits beside the repository (`<repo>/../shared`).
 *  WI_GEN_SHARED_DIR overrides it (for unusual checkouts). */
export function sharedDir(): string {
  const override = process.env['WI_GEN_SHARED_DIR'];
  return override ? resolve(override) : resolve(repoRoot, '..', 'shared');
}

/** Absolute path of `<shared>/upstream`, the full upstream files test/upstream/ is made from (only the staleness
 *  test reads them). Throws a clear error when it is missing. */
export function upstreamDir(): string {
  const dir = join(sharedDir(), 'upstream');
  if (!existsSync(dir)) {
    throw new Error(`upstream data not found at ${dir} (expected shared/ beside the repository; set WI_GEN_SHARED_DIR)`);
  }
  return dir;
}

// ---------------------------------------------------------------------------------------------- Go regexps

/**
 * Translates a Go (RE2) regexp, as found in CRD `pattern`s, into a JS RegExp (always with the `u` flag,
 * so that it matches code points like Go does).
 * - A leading flag group `(?i)`, `(?s)`, `(?m)` (or a combination) becomes JS flags. Node 20 has no inline
 *   modifiers, and rewriting `(?i)` as `[aA]`-style classes is error-prone, so flags are the correct route.
 * - `(?P<name>` becomes `(?<name>`; `\pL` becomes `\p{L}`; `\A`/`\z` become `^`/`$` (when not multi-line).
 * - Anything else JS would read differently (flags in mid-pattern, `(?U)`, `\Q..\E`, `[[:alpha:]]`) throws,
 *   so a schema is never validated with a silently different regexp.
 */
export function goRegExp(pattern: string, extraFlags = ''): RegExp {
  let src = pattern;
  const flags = new Set(extraFlags.split('').filter(Boolean));
  const lead = /^\(\?([a-zA-Z]+)\)/.exec(src);
  if (lead) {
    for (const f of lead[1] ?? '') {
      if (f === 'i' || f === 's' || f === 'm') flags.add(f);
      else throw new Error(`Go regexp flag (?${f}) has no JS equivalent: ${pattern}`);
    }
    src = src.slice(lead[0].length);
  }
  const multiline = flags.has('m');
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new Error(`trailing backslash in Go regexp: ${pattern}`);
      if ((n === 'A' || n === 'z') && !multiline) {
        out += n === 'A' ? '^' : '$';
      } else if (n === 'A' || n === 'z' || n === 'Q' || n === 'C') {
        throw new Error(`Go regexp escape \\${n} is not supported here: ${pattern}`);
      } else if ((n === 'p' || n === 'P') && src[i + 2] !== '{') {
        const cls = src[i + 2];
        if (cls === undefined) throw new Error(`bad \\${n} in Go regexp: ${pattern}`);
        out += `\\${n}{${cls}}`;
        i += 1;
      } else {
        out += c + n;
      }
      i += 1;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      if (src.startsWith('(?P<', i)) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^\(\?[a-zA-Z-]+[:)]/.test(src.slice(i))) {
        throw new Error(`Go regexp inline flags in mid-pattern are not supported: ${pattern}`);
      }
    }
    if (c === '[' && /^\[\[:\^?[a-z]+:\]/.test(src.slice(i))) {
      throw new Error(`Go regexp POSIX class is not supported here: ${pattern}`);
    }
    out += c;
  }
  return new RegExp(out, [...flags].sort().join(''));
}

const goRegExpCache = new Map<string, RegExp>();
/** ajv `code.regExp` engine: called as regExp(pattern, "u") for every `pattern` keyword. */
const goRegExpEngine = Object.assign(
  (pattern: string, u: string): RegExp => {
    const key = `${u}\u0000${pattern}`;
    let rx = goRegExpCache.get(key);
    if (!rx) {
      rx = goRegExp(pattern, u);
      goRegExpCache.set(key, rx);
    }
    return rx;
  },
  // Only used by ajv's standalone code generation, which is not used here.
  { code: 'goRegExp' },
);

// ---------------------------------------------------------------------------------------------- CRD index

interface CrdVersion {
  group: string;
  version: string;
  kind: string;
  scope: 'Namespaced' | 'Cluster';
  served: boolean;
  schema: SchemaNode;
  file: string;
}

let crdIndex: Map<string, CrdVersion> | undefined;

const gvkKey = (group: string, version: string, kind: string): string => `${group}/${version}/${kind}`;

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function jsonFilesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) files.push(...jsonFilesUnder(p));
    else if (name.endsWith('.json')) files.push(p);
  }
  return files;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

interface CrdFacts {
  group: string;
  kind: string;
  scope: 'Namespaced' | 'Cluster';
  versions: { name: string; served: boolean; schema: SchemaNode }[];
}

/** Reads every test/upstream/**\/*.json holding `crds` once and indexes CRD versions by group/version/kind. */
function crds(): Map<string, CrdVersion> {
  if (crdIndex) return crdIndex;
  if (!existsSync(factsDir)) throw new Error(`${factsDir} not found: run node scripts/upstream-facts.mjs`);
  const index = new Map<string, CrdVersion>();
  for (const file of jsonFilesUnder(factsDir)) {
    const facts: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isRecord(facts) || !Array.isArray(facts['crds'])) continue;
    for (const crd of facts['crds'] as CrdFacts[]) {
      for (const v of crd.versions) {
        const key = gvkKey(crd.group, v.name, crd.kind);
        const prior = index.get(key);
        if (prior) throw new Error(`${key} is defined twice: in ${prior.file} and in ${file}`);
        index.set(key, { group: crd.group, version: v.name, kind: crd.kind, scope: crd.scope, served: v.served, schema: v.schema, file });
      }
    }
  }
  crdIndex = index;
  return index;
}

/** All group/version/kind triples with a CRD schema, as "group/version/Kind". */
export function knownKinds(): string[] {
  return [...crds().keys()].sort();
}

/** True when test/upstream has a CRD schema for this apiVersion and kind. */
export function hasSchemaFor(apiVersion: string, kind: string): boolean {
  const { group, version } = splitApiVersion(apiVersion);
  return crds().has(gvkKey(group, version, kind));
}

// ---------------------------------------------------------------------------------------------- schema prep

const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
// label/annotation key: optional DNS-subdomain prefix and "/", then a name of at most 63 characters
const QUALIFIED_NAME =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

/** meta/v1 ObjectMeta, closed: the API server drops unknown metadata fields too. */
function objectMetaSchema(): SchemaNode {
  const str = { type: 'string' };
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string', maxLength: 253, pattern: DNS1123_SUBDOMAIN },
      generateName: str,
      namespace: { type: 'string', maxLength: 63, pattern: DNS1123_LABEL },
      labels: {
        type: 'object',
        propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
        additionalProperties: { type: 'string', maxLength: 63, pattern: LABEL_VALUE },
      },
      annotations: {
        type: 'object',
        propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
        additionalProperties: str,
      },
      finalizers: { type: 'array', items: str },
      ownerReferences: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['apiVersion', 'kind', 'name', 'uid'],
          properties: {
            apiVersion: str, kind: str, name: str, uid: str,
            controller: { type: 'boolean' }, blockOwnerDeletion: { type: 'boolean' },
          },
        },
      },
      uid: str,
      resourceVersion: str,
      selfLink: str,
      generation: { type: 'integer' },
      creationTimestamp: { type: ['string', 'null'] },
      deletionTimestamp: str,
      deletionGracePeriodSeconds: { type: 'integer' },
      managedFields: { type: 'array', items: { type: 'object' } },
    },
  };
}

/** ObjectMeta, plus whatever constraints the CRD itself puts on metadata (e.g. a name maxLength). */
function metadataSchema(declared: unknown): SchemaNode {
  const meta = objectMetaSchema();
  if (isRecord(declared)) {
    const { type: _type, description: _d, ...rest } = declared;
    if (Object.keys(rest).length > 0) meta['allOf'] = [prepareNode(rest, false)];
  }
  return meta;
}

const JUNCTORS = ['allOf', 'anyOf', 'oneOf'] as const;

/**
 * Returns a prepared copy of one CRD schema node. `structural` is false inside allOf/anyOf/oneOf/not:
 * in a structural schema those only add value checks (often `required`) to fields declared outside them,
 * so they must not be closed.
 */
function prepareNode(node: SchemaNode, structural: boolean): SchemaNode {
  const out: SchemaNode = { ...node };
  delete out['description'];

  const props = out['properties'];
  if (isRecord(props)) {
    out['properties'] = Object.fromEntries(
      Object.entries(props).map(([k, v]) => [k, isRecord(v) ? prepareNode(v, structural) : v]),
    );
  }
  if (isRecord(out['items'])) out['items'] = prepareNode(out['items'], structural);
  if (isRecord(out['additionalProperties'])) {
    out['additionalProperties'] = prepareNode(out['additionalProperties'], structural);
  }
  for (const j of JUNCTORS) {
    const branches = out[j];
    if (Array.isArray(branches)) {
      out[j] = branches.map((b: unknown) => (isRecord(b) ? prepareNode(b, false) : b));
    }
  }
  if (isRecord(out['not'])) out['not'] = prepareNode(out['not'], false);

  // nullable: ajv's own `nullable` needs `type` beside it; spell it out instead.
  if (out['nullable'] === true) {
    if (typeof out['type'] === 'string') out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  }
  delete out['nullable'];

  if (out['x-kubernetes-int-or-string'] === true && out['type'] === undefined && out['anyOf'] === undefined) {
    out['anyOf'] = [{ type: 'integer' }, { type: 'string' }];
  }

  if (out['x-kubernetes-list-type'] === 'set') out['uniqueItems'] = true;
  if (out['x-kubernetes-list-type'] !== 'map') delete out['x-kubernetes-list-map-keys'];

  if (out['x-kubernetes-embedded-resource'] === true) {
    const p = isRecord(out['properties']) ? { ...out['properties'] } : {};
    p['apiVersion'] ??= { type: 'string' };
    p['kind'] ??= { type: 'string' };
    p['metadata'] = metadataSchema(p['metadata']);
    out['properties'] = p;
    const req = Array.isArray(out['required']) ? (out['required'] as string[]) : [];
    out['required'] = [...new Set([...req, 'apiVersion', 'kind'])];
  }

  // The point of this module: close every structural object schema the API server would prune.
  // An object with no `properties` at all is closed too: the API server prunes everything inside it.
  const isObject = out['type'] === 'object' || isRecord(out['properties']);
  if (
    structural &&
    isObject &&
    out['x-kubernetes-preserve-unknown-fields'] !== true &&
    out['additionalProperties'] === undefined
  ) {
    out['additionalProperties'] = false;
  }
  return out;
}

/** Turns one CRD version's openAPIV3Schema into the strict JSON schema that is compiled. */
function prepareCrdSchema(root: SchemaNode): SchemaNode {
  const schema = prepareNode(root, true);
  const props = isRecord(schema['properties']) ? { ...schema['properties'] } : {};
  props['apiVersion'] ??= { type: 'string' };
  props['kind'] ??= { type: 'string' };
  props['metadata'] = metadataSchema(root['properties'] && (root['properties'] as SchemaNode)['metadata']);
  schema['properties'] = props;
  const req = Array.isArray(schema['required']) ? (schema['required'] as string[]) : [];
  schema['required'] = [...new Set([...req, 'apiVersion', 'kind', 'metadata'])];
  return schema;
}

function collectFormats(node: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) collectFormats(n, into);
  else if (isRecord(node)) {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') into.add(v);
      else if (k !== 'enum' && k !== 'default' && k !== 'example') collectFormats(v, into);
    }
  }
  return into;
}

// ---------------------------------------------------------------------------------------------- ajv (CRDs)

// Go's time.ParseDuration syntax, e.g. "1h30m", "300ms", "-1.5h", "0".
const GO_DURATION = /^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$/;

let crdAjv: Ajv | undefined;
function crdValidatorFactory(): Ajv {
  if (crdAjv) return crdAjv;
  const ajv = new Ajv({
    allErrors: true,
    verbose: true, // errors carry their schema (used to describe oneOf alternatives)
    strict: false, // x-kubernetes-* keywords, and OpenAPI v3 rather than a JSON Schema draft
    // The CRD schemas are not JSON Schema documents (and draft-07's meta-schema would check each `pattern`
    // as a JS regexp, which `(?i)...` is not), so they are not checked against a meta-schema.
    validateSchema: false,
    code: { regExp: goRegExpEngine },
  });
  // Formats Kubernetes validates (or that mean the same thing in both worlds). Any other format found in a
  // schema is registered as "accept anything", which is what the API server does with unknown formats.
  addFormats.default(ajv, ['date-time', 'date', 'byte', 'int32', 'int64', 'float', 'double', 'email',
    'hostname', 'ipv4', 'ipv6', 'uuid', 'uri', 'password', 'binary']);
  ajv.addFormat('duration', GO_DURATION);
  ajv.addKeyword({
    keyword: 'x-kubernetes-list-map-keys',
    type: 'array',
    schemaType: 'array',
    errors: true,
    validate: function listMapKeys(keys: string[], data: unknown[]): boolean {
      const seen = new Map<string, number>();
      const errors: Partial<ErrorObject>[] = [];
      data.forEach((item, i) => {
        if (!isRecord(item)) return;
        const key = JSON.stringify(keys.map((k) => item[k] ?? null));
        const first = seen.get(key);
        if (first === undefined) seen.set(key, i);
        else {
          errors.push({
            keyword: 'x-kubernetes-list-map-keys',
            message: `items ${first} and ${i} have the same key (${keys.join(', ')}) = ${key}`,
            params: { keys },
          });
        }
      });
      (listMapKeys as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
      return errors.length === 0;
    },
  });
  crdAjv = ajv;
  return ajv;
}

const crdValidators = new Map<string, ValidateFunction>();

function crdValidator(crd: CrdVersion): ValidateFunction {
  const key = gvkKey(crd.group, crd.version, crd.kind);
  let fn = crdValidators.get(key);
  if (!fn) {
    const ajv = crdValidatorFactory();
    const schema = prepareCrdSchema(crd.schema);
    for (const f of collectFormats(schema, new Set())) if (!ajv.formats[f]) ajv.addFormat(f, true);
    fn = ajv.compile(schema);
    crdValidators.set(key, fn);
  }
  return fn;
}

// ---------------------------------------------------------------------------------------------- errors

/**
 * Walks a JSON pointer through the data: "/spec/acme/solvers/0/dns01" -> ".spec.acme.solvers[0].dns01"
 * (the data tells a list index from a map key) and the value found there.
 */
function resolvePointer(pointer: string, data: unknown): { path: string; value: unknown } {
  if (pointer === '') return { path: '(root)', value: data };
  let path = '';
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      path += `[${seg}]`;
      cur = cur[Number(seg)];
    } else {
      path += /^[A-Za-z_$][\w$-]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
      cur = isRecord(cur) ? cur[seg] : undefined;
    }
  }
  return { path, value: cur };
}

/** What a oneOf alternative asks for, when it is only about which fields are set: "{member}". */
function alternative(branch: unknown): string {
  if (!isRecord(branch)) return '?';
  const keys = Object.keys(branch);
  if (keys.length === 1 && Array.isArray(branch['required'])) return `{${(branch['required'] as string[]).join(', ')}}`;
  return '{...}';
}

function describe(e: ErrorObject, data: unknown, unknownField: string): string {
  const { path: at, value } = resolvePointer(e.instancePath, data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}: unknown field ${JSON.stringify(p['additionalProperty'])} (${unknownField})`;
    case 'required':
      return `${at}: missing required field ${JSON.stringify(p['missingProperty'])}`;
    case 'enum':
      return `${at}: must be one of ${(p['allowedValues'] as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return `${at}: ${JSON.stringify(value)} does not match pattern ${JSON.stringify(p['pattern'])}`;
    case 'type':
      return `${at}: must be ${String(p['type'])}, got ${JSON.stringify(value)}`;
    case 'propertyNames':
      return `${at}: invalid key ${JSON.stringify(p['propertyName'])}`;
    case 'oneOf': {
      const passing = p['passingSchemas'];
      const alts = Array.isArray(e.schema) ? ` of ${e.schema.map(alternative).join(' | ')}` : '';
      return `${at}: must match exactly one alternative${alts}; matches ${
        Array.isArray(passing) ? `${passing.length} (${passing.join(', ')})` : 'none'}`;
    }
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}

function describeAll(errors: ErrorObject[] | null | undefined, data: unknown, prefix: string, unknownField: string): string[] {
  const lines = (errors ?? [])
    // "must match pattern" of a propertyNames subschema is summarised by its propertyNames error
    .filter((e) => !(e.propertyName !== undefined && e.keyword !== 'propertyNames'))
    .map((e) => prefix + describe(e, data, unknownField));
  return [...new Set(lines)];
}

// ---------------------------------------------------------------------------------------------- public API

/**
 * Validates one Kubernetes object (must have apiVersion and kind) against the matching CRD schema in
 * test/upstream, strictly. Returns readable error strings; [] means valid. For a kind with no CRD
 * there (ServiceAccount, Role, Deployment, ...) it returns one error saying so: ask hasSchemaFor() first.
 */
export function validateObject(input: unknown): string[] {
  // As serialised: drops undefined-valued keys (YAML/JSON output omits them), turns Dates into strings.
  const obj: unknown = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  if (!isRecord(obj)) return [`not a Kubernetes object: ${JSON.stringify(obj)}`];
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return ['object has no apiVersion/kind strings'];
  }
  const meta = isRecord(obj['metadata']) ? obj['metadata'] : {};
  const label = `${kind}/${typeof meta['name'] === 'string' ? meta['name'] : '<unnamed>'} `;
  const { group, version } = splitApiVersion(apiVersion);
  const crd = crds().get(gvkKey(group, version, kind));
  if (!crd) {
    const versions = [...crds().values()]
      .filter((c) => c.group === group && c.kind === kind)
      .map((c) => c.version);
    return [
      `${label}(root): no schema known for apiVersion ${apiVersion} kind ${kind} in test/upstream` +
        (versions.length ? ` (known versions: ${versions.join(', ')})` : ''),
    ];
  }
  const errors: string[] = [];
  if (!crd.served) errors.push(`${label}(root): ${apiVersion} ${kind} is not a served version`);
  const fn = crdValidator(crd);
  if (!fn(obj)) errors.push(...describeAll(fn.errors, obj, label, 'not in the CRD schema; the API server would silently drop it'));
  if (meta['name'] === undefined && meta['generateName'] === undefined) {
    errors.push(`${label}.metadata: missing required field "name"`);
  }
  if (crd.scope === 'Cluster' && meta['namespace'] !== undefined) {
    errors.push(`${label}.metadata.namespace: ${kind} is cluster-scoped and must not have a namespace`);
  }
  return errors;
}

let helmValidator: ValidateFunction | undefined;

/** Path of the trimmed copy of cert-manager's values.schema.json in test/upstream/. */
export function helmValuesSchemaPath(): string {
  return join(factsDir, 'cert-manager-v1.21.1', 'values.schema.json');
}

/**
 * Validates Helm values (as a user would pass with -f) against cert-manager v1.21.1's values.schema.json.
 * The schema declares draft-07 and uses only draft-07 keywords (type, properties, additionalProperties,
 * items, default, description, $ref); its definitions live under `$defs` and are reached by JSON-pointer
 * `$ref`s (`#/$defs/helm-values.x`), which resolve under draft-07 too. So ajv's default (draft-07) class.
 * The root object (`helm-values`) is closed upstream: a misspelt top-level key is an error.
 */
export function validateHelmValues(input: unknown): string[] {
  const values: unknown = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  if (!helmValidator) {
    const schema = JSON.parse(readFileSync(helmValuesSchemaPath(), 'utf8')) as SchemaNode;
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true });
    helmValidator = ajv.compile(schema);
  }
  return helmValidator(values) ? [] : describeAll(helmValidator.errors, values, 'values ', 'not in values.schema.json; helm would reject it');
}
