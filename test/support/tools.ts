// Helpers for tests that shell out to external tools (kubectl, kpt, terraform, shellcheck, pre-commit, ...).
//
//   if (!hasTool('kubectl')) { test.skip(...) }   // or skip inside the test
//   const r = run('kubectl', ['kustomize', dir]);  // never throws; r.code is 0 on success
//   const dir = tmpDir('wi-gen-kustomize-');       // removed when the process exits
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';

const toolCache = new Map<string, string | undefined>();

/** Absolute path of an executable on PATH (like `which`), or undefined. Cached per name. */
export function whichTool(name: string): string | undefined {
  if (toolCache.has(name)) return toolCache.get(name);
  let found: string | undefined;
  const candidates = isAbsolute(name) || name.includes('/')
    ? [name]
    : (process.env['PATH'] ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, name));
  for (const file of candidates) {
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      found = file;
      break;
    } catch {
      // not here
    }
  }
  toolCache.set(name, found);
  return found;
}

/** True when `name` is an executable on PATH. Cached. */
export function hasTool(name: string): boolean {
  return whichTool(name) !== undefined;
}

export interface RunOptions {
  cwd?: string;
  /** Added to (not replacing) process.env; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
  /** Written to the child's stdin. */
  input?: string;
  /** Milliseconds before the child is killed (SIGKILL). Default 120 000. */
  timeoutMs?: number;
}

export interface RunResult {
  /** Exit status; 124 on timeout, 127 when the command could not be started, 128+n when killed by a signal. */
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command synchronously without a shell. Never throws; failures show in code and stderr. */
export function run(cmd: string, args: readonly string[] = [], opts: RunOptions = {}): RunResult {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const timeout = opts.timeoutMs ?? 120_000;
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env,
    input: opts.input,
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  const stdout = r.stdout ?? '';
  let stderr = r.stderr ?? '';
  const note = (msg: string): void => {
    stderr += `${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}[run] ${msg}\n`;
  };
  let code: number;
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === 'ETIMEDOUT') {
    code = 124;
    note(`${cmd} timed out after ${timeout} ms`);
  } else if (err) {
    code = err.code === 'ENOENT' ? 127 : 126;
    note(`could not run ${cmd}: ${err.message}`);
  } else if (r.status !== null) {
    code = r.status;
  } else {
    code = 128 + (r.signal ? osConstants.signals[r.signal] : 0);
    note(`${cmd} killed by ${r.signal}`);
  }
  return { code, stdout, stderr };
}

const tmpDirs: string[] = [];
let cleanupRegistered = false;

/**
 * Creates a fresh directory under os.tmpdir() (name starts with `prefix`) and removes it when the
 * process exits. Set WI_GEN_KEEP_TMP=1 to keep them for debugging.
 */
export function tmpDir(prefix = 'wi-gen-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tmpDirs.push(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.on('exit', () => {
      if (process.env['WI_GEN_KEEP_TMP'] === '1') return;
      for (const d of tmpDirs) {
        try {
          rmSync(d, { recursive: true, force: true });
        } catch {
          // best effort
        }
      }
    });
  }
  return dir;
}
