// Every cloud CLI command wi-gen writes, as the CLI would receive it, and whether the real CLI
// gets past argument parsing with it.
//
// Recording: each generated script (cloud/*.sh) and the README's shell snippets run under bash
// with PATH-first shims for gcloud, az, aws, vault and kubectl. A shim appends its argv to a log
// and prints a plausible stand-in answer, so shell variables get stand-in values. Each script
// runs twice: once where every lookup succeeds and once where lookups fail (`describe`, `show`,
// `get-*`, `list*`, `read`), so both branches of `if ! X describe …; then X create …; fi` run.
// A prelude (BASH_ENV) turns `exit` into a no-op and drops `set -e`, so a guard that would stop
// the script on a stand-in value does not hide the commands after it.
//
// Checking: distinct commands go to the real CLI with no credentials. A command that parses gets
// as far as asking for credentials; one that does not is refused by the parser first. The
// messages below were measured on this machine (gcloud 5xx, az 2.45, aws-cli 1.45):
//   gcloud  exit 2 `Invalid choice` / `unrecognized arguments` / `argument --x: expected one argument`
//           exit 1 `You do not currently have an active account selected`
//   az      exit 2 `unrecognized arguments` / `is not a valid value for` / `the following arguments are required`
//           exit 1 `usage error` (a validator refusing the flag combination) versus `Please run 'az login'`
//   aws     exit 2 `Invalid choice` / `the following arguments are required` / `expected one argument`
//           exit 255 `Unknown options` (bad) versus `Unable to locate credentials` (good)
// Anything else is "unknown": the test fails and prints the output, so a new message is looked at.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasTool, run, tmpDir } from './tools.js';

export const CLOUD_CLIS = ['gcloud', 'az', 'aws', 'vault'] as const;
export type CloudCli = (typeof CLOUD_CLIS)[number];

/** One recorded invocation: argv[0] is the CLI name. */
export type Argv = readonly string[];

export interface RecordedCommand {
  /** argv[0] is the CLI, or `@file` for the content of a file the command before it read (path, content). */
  readonly argv: Argv;
  /** Where it was seen first, e.g. `example/gke-cert-manager cloud/gcloud.sh (lookups fail)`. */
  readonly source: string;
}

// ------------------------------------------------------------------------------------ shims

/** String.raw keeps the backslash of `\${`; the shell text wants a plain `${`. */
const unescapeBraces = (text: string): string => text.replace(/\\\$\{/g, '${');

const SHIM = unescapeBraces(String.raw`#!/usr/bin/env bash
# Records argv (NUL-separated: count, name, args) and answers with a stand-in.
name="\${0##*/}"
printf '%s\0' "$#" "$name" "$@" >> "$WI_SHIM_LOG"
# A file the command reads (gcloud --policy-file) is gone by the time the CLI checks run: keep it.
prev=''
for a in "$@"; do
  if [ "$prev" = --policy-file ] && [ -r "$a" ]; then printf '%s\0' 2 @file "$a" "$(cat "$a")" >> "$WI_SHIM_LOG"; fi
  case "$a" in
    --policy-file=*) f="\${a#--policy-file=}"; [ -r "$f" ] && printf '%s\0' 2 @file "$f" "$(cat "$f")" >> "$WI_SHIM_LOG" ;;
  esac
  prev="$a"
done
# An IAM policy always exists: an etag, and no bindings yet.
for a in "$@"; do
  if [ "$a" = get-iam-policy ]; then
    # A filtered policy (prune.sh looks for one binding) holds it unless nothing exists yet.
    case "$*" in
      *etag*) echo BwYb6Vx0tYM= ;;
      *--filter*) [ "$WI_SHIM_MODE" = missing ] || echo stand-in-binding ;;
    esac
    exit 0
  fi
done
lookup=''
for a in "$@"; do
  case "$a" in
    describe|show|get|get-*|list|list-*|read) lookup="$a"; break ;;
  esac
done
if [ "$WI_SHIM_MODE" = missing ] && [ -n "$lookup" ]; then
  # Nothing exists yet: lists are empty (the AWS CLI prints None for an empty --query result),
  # Vault answers a read with its 404 text, and a probe for a resource fails. A lookup that
  # extracts a value (--query, --format, --output) comes after the create that a failed probe
  # triggered, so it answers like the ok mode below.
  case "$name:$lookup" in
    aws:list-*) echo None; exit 0 ;;
    *:list|*:list-*) exit 0 ;;
    vault:read) for a in "$@"; do path="$a"; done; echo "No value found at $path" >&2; exit 2 ;;
  esac
  extracts=''
  for a in "$@"; do
    case "$a" in --query|--query=*|--format|--format=*|--output|--output=*|-o|-field=*) extracts=1 ;; esac
  done
  if [ -z "$extracts" ]; then echo "stand-in: not found" >&2; exit 1; fi
fi
for a in "$@"; do
  case "$a" in
    -format=json) echo '{}'; exit 0 ;;
  esac
done
case "$name" in
  aws) echo a-0123456789abcdef0 ;;
  # A GUID derived from the lookup itself, so a later command that uses the answer (an object
  # ID in --assignee-object-id) can be traced back to what was looked up: see standInGuid().
  *) h="$(printf '%s ' "$@" | md5sum)"; echo "\${h:0:8}-\${h:8:4}-4\${h:13:3}-8\${h:17:3}-\${h:20:12}" ;;
esac
exit 0
`);

// kubectl is recorded like the others; a verification pod whose image is a cloud CLI runs its
// command through the shims, since that command is part of what the README tells a user to run.
const KUBECTL_SHIM = unescapeBraces(String.raw`#!/usr/bin/env bash
dir="\${0%/*}"
printf '%s\0' "$#" kubectl "$@" >> "$WI_SHIM_LOG"
if [ "$1" = run ]; then
  image=''
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do
    case "$1" in --image=*) image="\${1#--image=}" ;; esac
    shift
  done
  [ "$#" -gt 0 ] && shift
  case "$1" in
    sh|bash)
      # A shell in the pod: its commands go through the shims too, with what a webhook injects.
      case "$image" in
        *azure-cli*)
          export AZURE_CLIENT_ID=00000000-0000-4000-8000-000000000000 AZURE_TENANT_ID=00000000-0000-4000-8000-000000000000
          export AZURE_FEDERATED_TOKEN_FILE="$dir/token" ;;
      esac
      exec bash "\${@:2}" ;;
  esac
  case "$image" in
    amazon/aws-cli*) exec "$dir/aws" "$@" ;;
    google/cloud-sdk*) exec "$dir/$1" "\${@:2}" ;;
  esac
  exit 0
fi
echo stand-in-token
exit 0
`);

// BASH_ENV reaches every bash the script starts, shims included: only the script itself is changed.
const PRELUDE = unescapeBraces(String.raw`# Sourced through BASH_ENV before a recorded script: nothing stops it early.
if [ "$0" = "\${WI_SHIM_SCRIPT:-}" ]; then
  exit() { return 0; }
  # Retry loops (IAM is eventually consistent) would wait minutes for stand-ins that never change.
  sleep() { :; }
  set() { builtin set "$@"; builtin set +e; }
fi
`);

let shimDir: string | undefined;

function shims(): string {
  if (shimDir) return shimDir;
  const dir = join(tmpDir('wi-gen-cloud-shims-'), 'bin');
  mkdirSync(dir);
  // helm and eksctl appear in README snippets; they are recorded like the rest and not checked.
  const plain = [...CLOUD_CLIS, 'helm', 'eksctl'];
  for (const cli of plain) writeFileSync(join(dir, cli), SHIM);
  writeFileSync(join(dir, 'kubectl'), KUBECTL_SHIM);
  writeFileSync(join(dir, 'token'), 'stand-in-token');
  for (const f of [...plain, 'kubectl']) chmodSync(join(dir, f), 0o755);
  writeFileSync(join(dir, 'prelude.bash'), PRELUDE);
  shimDir = dir;
  return dir;
}

/** The stand-in answer the shims give to a lookup (argv without the CLI name). */
export function standInGuid(args: readonly string[]): string {
  const h = createHash('md5').update(args.map((a) => `${a} `).join('')).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export type ShimMode = 'ok' | 'missing';

export interface ScriptRun {
  readonly argvs: Argv[];
  readonly stderr: string;
  readonly code: number;
}

/** Runs shell text under the shims and returns every invocation of a shimmed command, in order. */
export function recordShell(text: string, mode: ShimMode): ScriptRun {
  const bin = shims();
  const work = tmpDir('wi-gen-cloud-run-');
  const script = join(work, 'script.sh');
  const log = join(work, 'argv.log');
  writeFileSync(script, text);
  writeFileSync(log, '');
  const r = run('bash', [script], {
    cwd: work,
    timeoutMs: 30_000,
    env: {
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      BASH_ENV: join(bin, 'prelude.bash'),
      WI_SHIM_LOG: log,
      WI_SHIM_MODE: mode,
      WI_SHIM_SCRIPT: script,
      // vault.sh pipes Vault's own client secret from here; a stand-in, never a real one.
      AZURE_CLIENT_SECRET: 'stand-in-secret',
    },
  });
  return { argvs: parseLog(readFileSync(log, 'utf8')), stderr: r.stderr, code: r.code };
}

let keptFiles: string | undefined;
let keptCount = 0;

/**
 * The log as argv lists. A `@file PATH CONTENT` record (a file a command read) is copied to a file
 * that outlives the script, and the command before it is re-pointed at the copy, so the CLI check
 * later reads the same content; the record stays, with the copy's path, for the parity test.
 */
function parseLog(raw: string): Argv[] {
  const parts = raw.split('\0');
  const out: string[][] = [];
  let i = 0;
  while (i < parts.length - 1) {
    const count = Number(parts[i]);
    if (!Number.isInteger(count)) throw new Error(`corrupt shim log at field ${i}: ${JSON.stringify(parts[i])}`);
    const argv = parts.slice(i + 1, i + 2 + count);
    i += 2 + count;
    if (argv[0] === '@file') {
      keptFiles ??= tmpDir('wi-gen-cloud-files-');
      const copy = join(keptFiles, `file-${++keptCount}`);
      writeFileSync(copy, argv[2] ?? '');
      const previous = out[out.length - 1];
      if (previous) out[out.length - 1] = previous.map((a) => (a === argv[1] ? copy : a === `--policy-file=${argv[1]}` ? `--policy-file=${copy}` : a));
      out.push(['@file', copy, argv[2] ?? '']);
      continue;
    }
    out.push(argv);
  }
  return out;
}

// ------------------------------------------------------------------------------------ README

const CLI_WORD = /^(gcloud|az|aws|vault)\s/;

/**
 * Shell lines of the README: every command of a fenced `sh` block, and every inline code span that
 * is a whole CLI command. Inline spans that only name a command (no flag), or carry a placeholder (`…`,
 * `...`, `<…>`), are mentions rather than commands to copy: they are returned in `skipped`.
 */
export function readmeShell(markdown: string): { lines: string[]; skipped: string[] } {
  const fence = /^([ \t]*)```sh[ \t]*\n([\s\S]*?)^\1```[ \t]*$/gm;
  const inline: string[] = [];
  const skipped: string[] = [];
  for (const m of markdown.matchAll(fence)) {
    const indent = m[1] as string;
    // Whole commands (continuation lines joined); one with a <placeholder> is for a reader to edit.
    const commands = (m[2] as string)
      .split('\n')
      .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
      .join('\n')
      .replace(/\\\n/g, '')
      .split('\n');
    for (const c of commands) (/<[a-z][^<>]*>/.test(c) ? skipped : inline).push(c);
  }
  const prose = markdown.replace(fence, '');
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) {
    const code = m[1] as string;
    if (!CLI_WORD.test(code)) continue;
    if (/…|\.\.\.|<[^>]*>/.test(code) || !/\s-/.test(code)) skipped.push(code);
    else inline.push(code);
  }
  return { lines: inline, skipped };
}

// ------------------------------------------------------------------------------------ recording a tree

export interface Recorded {
  readonly commands: RecordedCommand[];
  /** Problems running the scripts themselves (bash errors), with their source. */
  readonly problems: string[];
  readonly skippedMentions: string[];
}

const BASH_TROUBLE = /unbound variable|syntax error|bad substitution|command not found|No such file/;

const recordedTrees = new WeakMap<ReadonlyMap<string, string>, Recorded>();

/**
 * Every gcloud/az/aws/vault invocation of a rendered tree: scripts in both modes, then the README.
 * Cached per `files` map, so test files sharing `renderedMatrix()` record each tree once.
 */
export function recordTree(specName: string, files: ReadonlyMap<string, string>): Recorded {
  const cached = recordedTrees.get(files);
  if (cached) return cached;
  const recorded = recordTreeUncached(specName, files);
  recordedTrees.set(files, recorded);
  return recorded;
}

function recordTreeUncached(specName: string, files: ReadonlyMap<string, string>): Recorded {
  const commands: RecordedCommand[] = [];
  const problems: string[] = [];
  const take = (source: string, r: ScriptRun) => {
    if (BASH_TROUBLE.test(r.stderr)) problems.push(`${source}: ${r.stderr.split('\n').filter((l) => BASH_TROUBLE.test(l)).join('\n')}`);
    for (const argv of r.argvs) if ([...CLOUD_CLIS, '@file'].includes(argv[0] as string)) commands.push({ argv, source });
  };
  for (const [path, content] of files) {
    if (!/^cloud\/[^/]+\.sh$/.test(path)) continue;
    take(`${specName} ${path}`, recordShell(content, 'ok'));
    take(`${specName} ${path} (lookups fail)`, recordShell(content, 'missing'));
  }
  const readme = files.get('README.md');
  let skippedMentions: string[] = [];
  if (readme) {
    const { lines, skipped } = readmeShell(readme);
    skippedMentions = skipped;
    const text = lines.join('\n');
    if (text.trim() !== '') take(`${specName} README.md`, recordShell(text, 'ok'));
  }
  return { commands, problems, skippedMentions };
}

// ------------------------------------------------------------------------------------ checking

export type Verdict = 'parsed' | 'parse-error' | 'unknown';

export interface CliResult {
  readonly verdict: Verdict;
  readonly code: number;
  readonly output: string;
}

interface Classifier {
  readonly bad: RegExp;
  readonly good: RegExp;
  readonly badCodes: readonly number[];
  readonly goodCodes: readonly number[];
}

export const CLASSIFIERS: Record<Exclude<CloudCli, 'vault'>, Classifier> = {
  gcloud: {
    bad: /Invalid choice|unrecognized arguments|argument [^\n]*: expected|argument [^\n]*: Bad value|must be specified|is required/,
    good: /You do not currently have an active account selected/,
    badCodes: [2],
    goodCodes: [1],
  },
  az: {
    bad: /unrecognized arguments|Unknown options|misspelled or not recognized|is not a valid value for|the following arguments are required|expected one argument|usage error|is not in the '.*' command group/,
    // az login with a federated token (a README check) parses, then needs the network.
    good: /Please run 'az login'|Cannot connect to proxy/,
    badCodes: [1, 2],
    goodCodes: [1],
  },
  aws: {
    bad: /Unknown options|Invalid choice|the following arguments are required|argument [^\n]*: expected|Invalid value for|Error parsing parameter|Parameter validation failed/,
    good: /Unable to locate credentials|(Could not connect to the endpoint|Failed to connect to proxy) URL: "http:\/\/127\.0\.0\.1:9/,
    badCodes: [2, 252, 255],
    goodCodes: [255, 253],
  },
};

/** Reads a CLI's answer: the bad patterns win, since a parser error never reaches authentication. */
export function classify(cli: Exclude<CloudCli, 'vault'>, code: number, output: string): Verdict {
  // Success needs no credentials for some commands (`gcloud auth list`); a parser never exits 0.
  if (code === 0) return 'parsed';
  const c = CLASSIFIERS[cli];
  if (c.bad.test(output) && c.badCodes.includes(code)) return 'parse-error';
  if (c.good.test(output) && c.goodCodes.includes(code)) return 'parsed';
  return 'unknown';
}

let cliHome: string | undefined;

/** A closed local port: where every network call of a checked CLI goes, and fails at once. */
export const STAND_IN_ENDPOINT = 'http://127.0.0.1:9';

/** Environment for running a real CLI with no credentials and no network. */
export function noCredentialsEnv(): Record<string, string | undefined> {
  if (!cliHome) {
    cliHome = tmpDir('wi-gen-cli-home-');
    for (const d of ['gcloud', 'azure', 'aws']) mkdirSync(join(cliHome, d));
  }
  return {
    HOME: cliHome,
    CLOUDSDK_CONFIG: join(cliHome, 'gcloud'),
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    // One config dir for every az call: az builds its command index once, not on every call.
    AZURE_CONFIG_DIR: join(cliHome, 'azure'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AWS_CONFIG_FILE: join(cliHome, 'aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(cliHome, 'aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_PAGER: '',
    // Unsigned calls (sts assume-role-with-web-identity) would go out: send them nowhere.
    AWS_ENDPOINT_URL: STAND_IN_ENDPOINT,
    // Nothing reaches the network: a command that gets past parsing and tries is refused here.
    HTTPS_PROXY: STAND_IN_ENDPOINT,
    HTTP_PROXY: STAND_IN_ENDPOINT,
    https_proxy: STAND_IN_ENDPOINT,
    http_proxy: STAND_IN_ENDPOINT,
    NO_PROXY: undefined,
    no_proxy: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: undefined,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: undefined,
    AWS_WEB_IDENTITY_TOKEN_FILE: undefined,
    AWS_ROLE_ARN: undefined,
    GOOGLE_APPLICATION_CREDENTIALS: undefined,
    CLOUDSDK_AUTH_ACCESS_TOKEN_FILE: undefined,
    AZURE_CLIENT_ID: undefined,
    AZURE_CLIENT_SECRET: undefined,
    AZURE_FEDERATED_TOKEN_FILE: undefined,
  };
}

/** Why a CLI cannot be checked here, or undefined when it can. */
export function missingCli(cli: CloudCli): string | undefined {
  if (cli === 'vault') return undefined;
  return hasTool(cli) ? undefined : `${cli} is not on PATH (${cli === 'az' ? "Debian's azure-cli package; .ci/run installs it" : 'the machine image carries it'})`;
}

function runAsync(argv: Argv, env: Record<string, string | undefined>): Promise<{ code: number; output: string }> {
  const full: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete full[k];
    else full[k] = v;
  }
  return new Promise((resolve) => {
    const child = spawn(argv[0] as string, argv.slice(1), { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, output: String(e) });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal ? 9 : 0), output });
    });
  });
}

/** Runs each argv through its real CLI, at most `parallel` at once; results in input order. */
export async function checkWithCli(argvs: readonly Argv[], parallel = 2): Promise<CliResult[]> {
  const env = noCredentialsEnv();
  const results: CliResult[] = new Array(argvs.length);
  let next = 0;
  const worker = async () => {
    while (next < argvs.length) {
      const i = next++;
      const argv = argvs[i] as Argv;
      const { code, output } = await runAsync(argv, env);
      results[i] = { verdict: classify(argv[0] as Exclude<CloudCli, 'vault'>, code, output), code, output };
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, argvs.length) }, worker));
  return results;
}

// ------------------------------------------------------------------------------------ dedupe

/**
 * What the parser sees of a command: its command words, each flag name, and each flag value
 * reduced to `…`. Values reach the parser only as strings, except choices, which are constants in
 * the emitters (`--output tsv`, `--assignee-principal-type ServicePrincipal`, `--stage GA`) and
 * stay as they are. (Measured: gcloud takes `--member foo --role bar` and only then asks for an
 * account, so the form of members and roles is not checked before credentials either.)
 */
/** Flags whose values the CLIs check against a list of choices. */
const CHOICE_FLAGS = new Set(['--output', '-o', '--assignee-principal-type', '--stage', '--condition', '--audiences']);

export function parseShape(argv: Argv): string {
  let afterFlag = false;
  return argv
    .map((word, i) => {
      if (i === 0) return word;
      if (word.startsWith('-')) {
        afterFlag = true;
        return word.replace(/=.*$/s, '=…');
      }
      // Command words (`iam service-accounts describe`) come before the first flag and the
      // resource a verb acts on (`describe NAME`, `add-iam-policy-binding PROJECT`).
      const previous = argv[i - 1] as string;
      const verb = /^(describe|show|list|get|read|write|create|delete|update|enable|add-|set-|get-|remove-|attach-|put-)/.test(previous);
      if (!afterFlag && !verb && /^[a-z][-a-z0-9]*$/.test(word)) return word;
      // Choices are constants in the emitters: short words kept as they are. Spec values are not.
      if (afterFlag && CHOICE_FLAGS.has(previous)) return word;
      return '…';
    })
    .join(' ');
}

export interface Deduped {
  /** One representative argv per parse shape, per CLI. */
  readonly representatives: Map<CloudCli, { argv: Argv; source: string; count: number; distinct: number }[]>;
  readonly total: Map<CloudCli, number>;
  readonly distinct: Map<CloudCli, number>;
}

export function dedupe(commands: readonly RecordedCommand[]): Deduped {
  const representatives = new Map<CloudCli, { argv: Argv; source: string; count: number; distinct: number; seen: Set<string> }[]>();
  const byShape = new Map<string, { argv: Argv; source: string; count: number; distinct: number; seen: Set<string> }>();
  const total = new Map<CloudCli, number>();
  const distinctSet = new Map<CloudCli, Set<string>>();
  for (const c of commands) {
    const cli = c.argv[0] as CloudCli;
    total.set(cli, (total.get(cli) ?? 0) + 1);
    const exact = JSON.stringify(c.argv);
    if (!distinctSet.has(cli)) distinctSet.set(cli, new Set());
    (distinctSet.get(cli) as Set<string>).add(exact);
    const shape = parseShape(c.argv);
    let rep = byShape.get(shape);
    if (!rep) {
      rep = { argv: c.argv, source: c.source, count: 0, distinct: 0, seen: new Set() };
      byShape.set(shape, rep);
      representatives.set(cli, [...(representatives.get(cli) ?? []), rep]);
    }
    rep.count++;
    if (!rep.seen.has(exact)) {
      rep.seen.add(exact);
      rep.distinct++;
    }
  }
  const distinct = new Map([...distinctSet].map(([k, v]) => [k, v.size] as const));
  return { representatives, total, distinct };
}

/** argv as a copy-pasteable shell line, for failure messages. */
export function shellLine(argv: Argv): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

// ------------------------------------------------------------------------------------ vault

/**
 * There is no vault CLI here, so `vault` commands are checked against the HTTP API they call: the
 * path must be one the mounted engine serves for that verb, and every `key=value` must be one of
 * its parameters. Paths are relative to the mount (`{mount}` is the mount path from the spec).
 *
 * @see https://developer.hashicorp.com/vault/api-docs/secret/azure (config, roles, creds, rotate-root)
 * @see https://developer.hashicorp.com/vault/api-docs/auth/kubernetes (config, role)
 * @see https://developer.hashicorp.com/vault/api-docs/system/policy (sys/policy, `vault policy write`)
 * @see https://developer.hashicorp.com/vault/api-docs/system/leases (sys/leases/lookup, list)
 * @see https://developer.hashicorp.com/vault/docs/commands (secrets enable/list, auth enable, read -field, write -f)
 */
const TOKEN_FIELDS = [
  'token_ttl', 'token_max_ttl', 'token_policies', 'policies', 'token_bound_cidrs', 'token_explicit_max_ttl',
  'token_no_default_policy', 'token_num_uses', 'token_period', 'token_type',
];

export const VAULT_API: readonly { engine: 'azure' | 'kubernetes' | 'sys'; path: RegExp; verbs: readonly string[]; params: readonly string[] }[] = [
  { engine: 'sys', path: /^sys\/leases\/lookup\/.+$/, verbs: ['list'], params: [] },
  {
    engine: 'kubernetes',
    path: /^auth\/(?<mount>.+)\/config$/,
    verbs: ['read', 'write'],
    params: ['kubernetes_host', 'kubernetes_ca_cert', 'token_reviewer_jwt', 'pem_keys', 'disable_local_ca_jwt', 'use_annotations_as_alias_metadata'],
  },
  {
    engine: 'kubernetes',
    path: /^auth\/(?<mount>.+)\/role\/[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    verbs: ['read', 'write', 'delete'],
    params: ['bound_service_account_names', 'bound_service_account_namespaces', 'bound_service_account_namespace_selector', 'audience', 'alias_name_source', ...TOKEN_FIELDS],
  },
  {
    engine: 'azure',
    path: /^(?<mount>.+)\/config$/,
    verbs: ['read', 'write'],
    params: [
      'subscription_id', 'tenant_id', 'client_id', 'client_secret', 'environment', 'password_policy', 'root_password_ttl',
      'identity_token_audience', 'identity_token_ttl', 'rotation_schedule', 'rotation_window', 'rotation_period', 'disable_automated_rotation',
    ],
  },
  { engine: 'azure', path: /^(?<mount>.+)\/rotate-root$/, verbs: ['write'], params: [] },
  {
    engine: 'azure',
    path: /^(?<mount>.+)\/roles\/[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    verbs: ['read', 'write', 'delete'],
    params: ['azure_roles', 'azure_groups', 'application_object_id', 'persist_app', 'ttl', 'max_ttl', 'explicit_max_ttl', 'permanently_delete', 'sign_in_audience', 'tags', 'metadata'],
  },
  { engine: 'azure', path: /^(?<mount>.+)\/creds\/[A-Za-z0-9][A-Za-z0-9_.-]*$/, verbs: ['read'], params: [] },
];

/** Problems of one recorded `vault …` argv; empty when the command and its parameters exist. */
export function checkVault(argv: Argv): string[] {
  const [, verb, ...rest] = argv;
  const args = rest.filter((a) => a !== '');
  const flags = args.filter((a) => a.startsWith('-') && a !== '-');
  const positional = args.filter((a) => !a.startsWith('-') || a === '-');
  const bad = (m: string) => [`${shellLine(argv)}: ${m}`];
  const onlyFlags = (allowed: RegExp) => flags.filter((f) => !allowed.test(f)).map((f) => `${shellLine(argv)}: unknown flag ${f} for vault ${verb}`);
  switch (verb) {
    case 'secrets':
    case 'auth': {
      const [sub, type] = positional;
      if (sub === 'list') return onlyFlags(/^-format=(json|table|yaml)$/);
      if (sub !== 'enable') return bad(`unknown subcommand vault ${verb} ${sub}`);
      const expected = verb === 'secrets' ? 'azure' : 'kubernetes';
      if (type !== expected) return bad(`enables ${type}, expected the ${expected} ${verb === 'secrets' ? 'secrets engine' : 'auth method'}`);
      return onlyFlags(/^-path=[A-Za-z0-9_/-]+$/);
    }
    case 'policy': {
      const [sub, name, source] = positional;
      // read and delete: prune.sh and teardown.sh (https://developer.hashicorp.com/vault/docs/commands/policy).
      if ((sub === 'read' || sub === 'delete') && name && positional.length === 2) return onlyFlags(/^$/);
      if (sub !== 'write' || !name || source !== '-' || positional.length !== 3) return bad('expected vault policy write NAME - (policy on stdin), or policy read|delete NAME');
      return onlyFlags(/^$/);
    }
    case 'read':
    case 'write':
    case 'delete':
    case 'list': {
      const [path, ...params] = positional;
      // First match wins: sys/ and auth/ paths come before the engine mounted anywhere else.
      const entry = VAULT_API.find((e) => e.path.test(path ?? ''));
      if (!entry) return bad(`no Vault API path in the table matches ${path}`);
      if (!entry.verbs.includes(verb)) return bad(`${path} does not accept ${verb}`);
      const problems = onlyFlags(verb === 'write' ? /^-f$/ : verb === 'read' ? /^-field=[a-z_]+$/ : verb === 'delete' ? /^$/ : /^-format=json$/);
      if (verb === 'delete' && params.length > 0) problems.push(`${shellLine(argv)}: vault delete takes no data`);
      if (verb === 'read') {
        const field = flags.find((f) => f.startsWith('-field='))?.slice('-field='.length);
        if (field && !entry.params.includes(field)) problems.push(`${shellLine(argv)}: ${path} has no field ${field}`);
      }
      for (const p of params) {
        const key = /^([a-z_]+)=/.exec(p)?.[1];
        if (!key) problems.push(`${shellLine(argv)}: ${p} is not key=value`);
        else if (!entry.params.includes(key)) problems.push(`${shellLine(argv)}: ${path} has no parameter ${key}`);
      }
      if (verb === 'write' && params.length === 0 && !flags.includes('-f')) problems.push(`${shellLine(argv)}: a write without data needs -f`);
      return problems;
    }
    default:
      return bad(`vault ${verb} is not a command wi-gen is known to use`);
  }
}

// ------------------------------------------------------------------------------------ version gaps

/**
 * Flags newer than a CLI this machine may carry (Debian's azure-cli is 2.45). A parse error that
 * matches one is accepted only while the local CLI is older than `since`, and is always printed.
 */
export const NEWER_THAN_LOCAL_CLI: readonly { cli: CloudCli; output: RegExp; since: string; source: string }[] = [
  {
    cli: 'az',
    output: /unrecognized arguments: --enable-workload-identity\s*$/m,
    since: '2.47.0',
    source: 'https://learn.microsoft.com/en-us/azure/aks/workload-identity-deploy-cluster (workload identity needs Azure CLI 2.47.0 or later)',
  },
];

const versionCache = new Map<CloudCli, string | undefined>();

/** The local CLI's version (`az version`, `gcloud version`, `aws --version`), cached. */
export function localVersion(cli: CloudCli): string | undefined {
  if (versionCache.has(cli)) return versionCache.get(cli);
  let version: string | undefined;
  if (cli === 'az') {
    const r = run('az', ['version', '--output', 'json'], { env: noCredentialsEnv() });
    version = (/"azure-cli":\s*"([0-9.]+)"/.exec(r.stdout) ?? [])[1];
  } else if (cli === 'aws') {
    version = (/aws-cli\/([0-9.]+)/.exec(run('aws', ['--version'], { env: noCredentialsEnv() }).stdout + '') ?? [])[1];
  } else if (cli === 'gcloud') {
    version = (/Google Cloud SDK ([0-9.]+)/.exec(run('gcloud', ['version'], { env: noCredentialsEnv() }).stdout) ?? [])[1];
  }
  versionCache.set(cli, version);
  return version;
}

export function olderThan(version: string, than: string): boolean {
  const a = version.split('.').map(Number);
  const b = than.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0);
  return false;
}

/** The version-gap entry that excuses this parse error on this machine, if any. */
export function excusedByVersion(cli: CloudCli, output: string): (typeof NEWER_THAN_LOCAL_CLI)[number] | undefined {
  const gap = NEWER_THAN_LOCAL_CLI.find((g) => g.cli === cli && g.output.test(output));
  if (!gap) return undefined;
  const version = localVersion(cli);
  return version && olderThan(version, gap.since) ? gap : undefined;
}
