// The Vault HTTP API that generated vault scripts call, as a table: path patterns and the parameter
// names each accepts, from HashiCorp's API docs (cited per entry). There is no vault CLI on this
// machine, so the table is the oracle: `checkVaultScript` maps every `vault secrets enable`,
// `auth enable`, `secrets list`, `read`, `write`, `delete` and `policy write` of a script to its API
// call and reports unknown paths, parameters, `-field`s and flags. Only what wi-gen uses or could
// plausibly use is listed; a new path or parameter needs a new, cited row.

/** One API path. `path` is matched against the part after the mount (engines) or the whole path (sys). */
export interface VaultApiEntry {
  readonly name: string;
  readonly docs: string;
  readonly path: RegExp;
  /** Parameters a write (POST/PUT) accepts; absent: the path cannot be written. */
  readonly write?: readonly string[];
  /** Response fields a read may pick with `-field`; absent: the path cannot be read. */
  readonly read?: readonly string[];
  readonly delete?: boolean;
}

// --- Azure secrets engine, relative to its mount (default azure/).
// @see https://developer.hashicorp.com/vault/api-docs/secret/azure
const AZURE_CONFIG_FIELDS = [
  'subscription_id', 'tenant_id', 'client_id', 'environment', 'password_policy', 'root_password_ttl',
  'identity_token_audience', 'identity_token_ttl', 'rotation_period', 'rotation_schedule', 'rotation_window',
  'disable_automated_rotation',
];
export const AZURE_SECRETS_ENGINE: readonly VaultApiEntry[] = [
  {
    name: 'Azure: configure access',
    docs: 'https://developer.hashicorp.com/vault/api-docs/secret/azure#configure-access',
    path: /^config$/,
    write: [...AZURE_CONFIG_FIELDS, 'client_secret'],
    // The secret is never returned.
    read: AZURE_CONFIG_FIELDS,
    delete: true,
  },
  {
    name: 'Azure: rotate root',
    docs: 'https://developer.hashicorp.com/vault/api-docs/secret/azure#rotate-root',
    path: /^rotate-root$/,
    write: [],
  },
  {
    name: 'Azure: create/update role',
    docs: 'https://developer.hashicorp.com/vault/api-docs/secret/azure#create-update-role',
    path: /^roles\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
    write: [
      'azure_roles', 'azure_groups', 'application_object_id', 'persist_app', 'ttl', 'max_ttl', 'explicit_max_ttl',
      'permanently_delete', 'sign_in_audience', 'tags', 'metadata',
    ],
    read: [
      'azure_roles', 'azure_groups', 'application_object_id', 'persist_app', 'ttl', 'max_ttl', 'explicit_max_ttl',
      'permanently_delete', 'sign_in_audience', 'tags', 'metadata',
    ],
    delete: true,
  },
  {
    // GET only: VSO reads it; a write (VaultDynamicSecret params) is refused.
    name: 'Azure: request service principal credentials',
    docs: 'https://developer.hashicorp.com/vault/api-docs/secret/azure#request-service-principal-credentials',
    path: /^creds\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
    read: ['client_id', 'client_secret'],
  },
];

// --- Kubernetes auth method, relative to auth/MOUNT/ (default auth/kubernetes/).
// @see https://developer.hashicorp.com/vault/api-docs/auth/kubernetes
const KUBERNETES_ROLE_FIELDS = [
  'bound_service_account_names', 'bound_service_account_namespaces', 'bound_service_account_namespace_selector',
  'audience', 'alias_name_source', 'token_ttl', 'token_max_ttl', 'token_policies', 'policies', 'token_bound_cidrs',
  'token_explicit_max_ttl', 'token_no_default_policy', 'token_num_uses', 'token_period', 'token_type',
];
export const KUBERNETES_AUTH: readonly VaultApiEntry[] = [
  {
    name: 'Kubernetes auth: configure method',
    docs: 'https://developer.hashicorp.com/vault/api-docs/auth/kubernetes#configure-method',
    path: /^config$/,
    write: [
      'kubernetes_host', 'kubernetes_ca_cert', 'token_reviewer_jwt', 'pem_keys', 'disable_local_ca_jwt',
      'disable_iss_validation', 'issuer', 'use_annotations_as_alias_metadata',
    ],
    read: ['kubernetes_host', 'kubernetes_ca_cert', 'pem_keys', 'disable_local_ca_jwt', 'disable_iss_validation', 'issuer', 'use_annotations_as_alias_metadata'],
  },
  {
    name: 'Kubernetes auth: create/update role',
    docs: 'https://developer.hashicorp.com/vault/api-docs/auth/kubernetes#create-update-role',
    path: /^role\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
    write: KUBERNETES_ROLE_FIELDS,
    read: KUBERNETES_ROLE_FIELDS,
    delete: true,
  },
  {
    name: 'Kubernetes auth: login',
    docs: 'https://developer.hashicorp.com/vault/api-docs/auth/kubernetes#login',
    path: /^login$/,
    write: ['role', 'jwt'],
  },
];

// --- System backend, whole paths.
export const SYSTEM: readonly VaultApiEntry[] = [
  {
    name: 'sys/mounts: list secrets engines',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/mounts#list-mounted-secrets-engines',
    path: /^sys\/mounts$/,
    read: [],
  },
  {
    name: 'sys/mounts: enable secrets engine',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/mounts#enable-secrets-engine',
    path: /^sys\/mounts\/.+$/,
    write: ['type', 'description', 'config', 'options', 'local', 'seal_wrap', 'external_entropy_access', 'plugin_version'],
  },
  {
    name: 'sys/auth: list auth methods',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/auth#list-auth-methods',
    path: /^sys\/auth$/,
    read: [],
  },
  {
    name: 'sys/auth: enable auth method',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/auth#enable-auth-method',
    path: /^sys\/auth\/.+$/,
    write: ['type', 'description', 'config', 'local', 'seal_wrap', 'plugin_version', 'options'],
  },
  {
    // `vault policy write NAME FILE` PUTs the file's text as `policy`
    // (https://developer.hashicorp.com/vault/docs/commands/policy/write).
    name: 'sys/policies/acl: create/update ACL policy',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/policies#create-update-acl-policy',
    path: /^sys\/policies\/acl\/[^/]+$/,
    write: ['policy'],
    read: ['name', 'policy'],
    delete: true,
  },
  {
    name: 'sys/policy: create/update policy (older form)',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/policy#create-update-policy',
    path: /^sys\/policy\/[^/]+$/,
    write: ['policy'],
    read: ['name', 'rules'],
    delete: true,
  },
  {
    // A policy may grant `update` on it: VSO revokes a lease when its VaultDynamicSecret is deleted.
    name: 'sys/leases/revoke: revoke lease',
    docs: 'https://developer.hashicorp.com/vault/api-docs/system/leases#revoke-lease',
    path: /^sys\/leases\/revoke$/,
    write: ['lease_id', 'sync'],
  },
];

// --- CLI flags → API, for `vault secrets enable` / `vault auth enable`.
// @see https://developer.hashicorp.com/vault/docs/commands/secrets/enable
// @see https://developer.hashicorp.com/vault/docs/commands/auth/enable
const ENABLE_FLAGS = new Set([
  'path', 'description', 'default-lease-ttl', 'max-lease-ttl', 'local', 'seal-wrap', 'plugin-version', 'options',
  'version', 'audit-non-hmac-request-keys', 'audit-non-hmac-response-keys', 'listing-visibility',
  'passthrough-request-headers', 'allowed-response-headers', 'force-no-cache', 'external-entropy-access',
  'token-type', 'identity-token-key',
]);
/** Flags of `vault read`/`write`/`delete`/`list` (https://developer.hashicorp.com/vault/docs/commands). */
const OUTPUT_FLAGS = new Set(['format', 'field']);

// ------------------------------------------------------------------------------------------ parsing

type Token = { word: string } | { separator: true };

/**
 * Shell words of one logical line, with `| ; & && || ( ) $(` as separators and redirections
 * (`2>&1`, `>/dev/null`, `<<'EOF'`) dropped. Enough for generated scripts, which quote with `'…'`
 * and `"…"` only.
 */
function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word: string | undefined;
  let inDouble = false;
  const saved: boolean[] = [];
  const end = () => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (!inDouble && c === "'") {
      const close = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, close < 0 ? undefined : close);
      i = close < 0 ? line.length : close;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (c === '"') {
      inDouble = !inDouble;
      word ??= '';
    } else if (c === '$' && line[i + 1] === '(') {
      end();
      tokens.push({ separator: true });
      saved.push(inDouble);
      inDouble = false;
      i++;
    } else if (inDouble) {
      word = (word ?? '') + c;
    } else if (c === ')' && saved.length > 0) {
      end();
      tokens.push({ separator: true });
      inDouble = saved.pop() as boolean;
    } else if (/\s/.test(c)) {
      end();
    } else if (c === '>' || c === '<') {
      // A redirection: drop an fd prefix, the operator and its target.
      if (word !== undefined && /^\d+$/.test(word)) word = undefined;
      end();
      let j = i;
      while (j < line.length && /[<>&-]/.test(line[j] as string)) j++;
      while (j < line.length && line[j] === ' ') j++;
      while (j < line.length && !/[\s;|&)]/.test(line[j] as string)) j++;
      i = j - 1;
    } else if (c === '|' || c === ';' || c === '&' || c === '(' || c === ')') {
      end();
      tokens.push({ separator: true });
    } else {
      word = (word ?? '') + c;
    }
  }
  end();
  return tokens;
}

const KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'fi', 'while', 'until', 'do', 'done', '!', 'time']);

/** Every `vault …` command of a script, as argv (comments and heredoc bodies skipped). */
export function vaultCommands(script: string): string[][] {
  const commands: string[][] = [];
  let heredoc: string | undefined;
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) {
    if (heredoc !== undefined) {
      if (line === heredoc) heredoc = undefined;
      continue;
    }
    if (/^\s*#/.test(line)) continue;
    const marker = /<<-?\s*'?([A-Za-z_][A-Za-z0-9_]*)'?/.exec(line);
    if (marker) heredoc = marker[1];
    let current: string[] = [];
    const flush = () => {
      while (current.length > 0 && (KEYWORDS.has(current[0] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(current[0] as string))) current.shift();
      if (current[0] === 'vault') commands.push(current.slice(1));
      current = [];
    };
    for (const t of tokenize(line)) {
      if ('separator' in t) flush();
      else current.push(t.word);
    }
    flush();
  }
  return commands;
}

// ------------------------------------------------------------------------------------------ checking

export interface VaultFinding {
  readonly command: string;
  readonly problem: string;
}

const flagOf = (arg: string): { name: string; value?: string } | undefined => {
  const m = /^--?([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
  return m ? { name: m[1] as string, ...(m[2] !== undefined ? { value: m[2] } : {}) } : undefined;
};

/**
 * Checks every vault command of a script against the table. Secrets mounts are learnt from the
 * script's own `secrets enable -path=M TYPE` (a write below a mount the script never enables is
 * reported); paths under `auth/` are taken as Kubernetes auth mounts, the only auth method wi-gen
 * configures.
 */
export function checkVaultScript(script: string): VaultFinding[] {
  const commands = vaultCommands(script);
  const findings: VaultFinding[] = [];
  const mounts = new Map<string, string>();
  for (const argv of commands) {
    if (argv[0] !== 'secrets' || argv[1] !== 'enable') continue;
    const type = argv.slice(2).find((a) => !a.startsWith('-'));
    const path = argv.slice(2).map(flagOf).find((f) => f?.name === 'path')?.value ?? type;
    if (type && path) mounts.set(path.replace(/\/$/, ''), type);
  }

  for (const argv of commands) {
    const text = `vault ${argv.join(' ')}`;
    const report = (problem: string) => findings.push({ command: text, problem });
    const resolve = (path: string): VaultApiEntry[] | undefined => {
      if (path.startsWith('sys/')) return SYSTEM.filter((e) => e.path.test(path));
      const auth = /^auth\/(.+?)\/((?:config|login|role\/[^/]+))$/.exec(path);
      if (auth) return KUBERNETES_AUTH.filter((e) => e.path.test(auth[2] as string));
      const mount = [...mounts.keys()].sort((a, b) => b.length - a.length).find((m) => path.startsWith(`${m}/`));
      if (!mount) {
        report(`path ${path} is below no secrets engine this script enables (${[...mounts.keys()].join(', ') || 'none'})`);
        return undefined;
      }
      if (mounts.get(mount) !== 'azure') {
        report(`mount ${mount} is a ${mounts.get(mount)} engine, which the table does not describe`);
        return undefined;
      }
      return AZURE_SECRETS_ENGINE.filter((e) => e.path.test(path.slice(mount.length + 1)));
    };
    const [verb, sub] = argv;
    if ((verb === 'secrets' || verb === 'auth') && (sub === 'enable' || sub === 'list')) {
      const rest = argv.slice(2);
      const flags = rest.filter((a) => a.startsWith('-')).map(flagOf);
      const positional = rest.filter((a) => !a.startsWith('-'));
      const allowed = sub === 'enable' ? ENABLE_FLAGS : new Set(['format', 'detailed']);
      for (const f of flags) if (!f || !allowed.has(f.name)) report(`unknown flag of vault ${verb} ${sub}: ${f?.name ?? '?'}`);
      if (sub === 'enable' && positional.length !== 1) report(`vault ${verb} enable takes one type, got ${positional.length}`);
      if (sub === 'list' && positional.length !== 0) report(`vault ${verb} list takes no argument`);
      const base = verb === 'secrets' ? 'sys/mounts' : 'sys/auth';
      const path = sub === 'enable' ? `${base}/${flags.find((f) => f?.name === 'path')?.value ?? positional[0]}` : base;
      const entries = resolve(path);
      if (entries && entries.length === 0) report(`no API path ${path}`);
      if (entries && !entries.some((e) => (sub === 'enable' ? e.write : e.read) !== undefined)) report(`${path} cannot be ${sub === 'enable' ? 'written' : 'read'}`);
      continue;
    }
    if (verb === 'policy' && sub === 'write') {
      const positional = argv.slice(2).filter((a) => !a.startsWith('-') || a === '-');
      if (positional.length !== 2) report('vault policy write takes NAME and a file (or - for stdin)');
      const entries = resolve(`sys/policies/acl/${positional[0] ?? ''}`);
      if (entries && !entries.some((e) => e.write?.includes('policy'))) report(`no ACL policy path for ${positional[0]}`);
      continue;
    }
    if (verb === 'read' || verb === 'write' || verb === 'delete') {
      const rest = argv.slice(1);
      let force = false;
      let field: string | undefined;
      let i = 0;
      for (; i < rest.length && (rest[i] as string).startsWith('-') && rest[i] !== '-'; i++) {
        const f = flagOf(rest[i] as string);
        if (f && (f.name === 'f' || f.name === 'force') && verb === 'write') force = true;
        else if (f && OUTPUT_FLAGS.has(f.name) && !(f.name === 'field' && verb !== 'read')) {
          if (f.name === 'field') field = f.value;
        } else report(`unknown flag of vault ${verb}: ${rest[i]}`);
      }
      const path = (rest[i] ?? '').replace(/^\/+|\/+$/g, '');
      const params = rest.slice(i + 1);
      if (!path) {
        report('no path');
        continue;
      }
      const entries = resolve(path);
      if (!entries) continue;
      if (entries.length === 0) {
        report(`no API path matches ${path}`);
        continue;
      }
      const entry = entries[0] as VaultApiEntry;
      if (verb === 'read') {
        if (!entry.read) report(`${entry.name}: ${path} cannot be read`);
        else if (field !== undefined && !entry.read.includes(field)) report(`${entry.name}: a read returns no field ${field} (has: ${entry.read.join(', ')})`);
        if (params.length > 0) report('vault read with parameters sends a PUT; use vault write');
      } else if (verb === 'delete') {
        if (!entry.delete) report(`${entry.name}: ${path} cannot be deleted`);
      } else {
        if (!entry.write) {
          report(`${entry.name}: ${path} cannot be written`);
          continue;
        }
        if (params.length === 0 && !force) report('vault write without parameters needs -f');
        for (const p of params) {
          const key = /^([A-Za-z0-9_]+)=/.exec(p)?.[1];
          if (!key) report(`parameter ${p} is not KEY=VALUE`);
          else if (!entry.write.includes(key)) report(`${entry.name}: unknown parameter ${key} (accepts: ${entry.write.join(', ') || 'none'})`);
        }
      }
      continue;
    }
    report(`vault ${verb ?? ''} ${sub ?? ''}: a subcommand the table does not describe`);
  }
  // The policy's paths: each capability must be an operation the path has.
  for (const rule of policyPaths(script)) {
    const text = `policy path "${rule.path}"`;
    const entries = rule.path.startsWith('sys/')
      ? SYSTEM.filter((e) => e.path.test(rule.path))
      : (() => {
          const mount = [...mounts.keys()].find((m) => rule.path.startsWith(`${m}/`));
          return mount && mounts.get(mount) === 'azure' ? AZURE_SECRETS_ENGINE.filter((e) => e.path.test(rule.path.slice(mount.length + 1))) : [];
        })();
    const entry = entries[0];
    if (!entry) {
      findings.push({ command: text, problem: 'no API path matches' });
      continue;
    }
    for (const c of rule.capabilities) {
      const ok = c === 'read' ? entry.read : c === 'create' || c === 'update' ? entry.write : c === 'delete' ? entry.delete : c === 'list' || c === 'deny' || c === 'sudo' || c === 'patch';
      if (!ok) findings.push({ command: text, problem: `${entry.name}: capability ${c} grants nothing there` });
    }
  }
  return findings;
}

/** The path blocks of a `vault policy write … <<'POLICY'` heredoc, checked against the table too. */
export function policyPaths(script: string): { path: string; capabilities: string[] }[] {
  const out: { path: string; capabilities: string[] }[] = [];
  for (const m of script.matchAll(/path "([^"]+)" \{\s*capabilities = \[([^\]]*)\]/g)) {
    out.push({ path: m[1] as string, capabilities: [...(m[2] as string).matchAll(/"([a-z]+)"/g)].map((c) => c[1] as string) });
  }
  return out;
}
