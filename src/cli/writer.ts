/**
 * Writes a rendered tree to `-o DIR` without ever leaving a half-written or mixed tree:
 * the whole tree is staged in a sibling directory, then swapped in by rename under a lock.
 * wi-gen owns only the files its manifest lists; other files in DIR are carried over untouched,
 * and a foreign file in the way of a generated one stops the write.
 */
import { closeSync, existsSync, linkSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { OutputFile } from '../emit/tree.js';
import { UsageError } from './errors.js';

export const MANIFEST_FILE = '.wi-gen-manifest';
const MANIFEST_HEADER = '# files written by wi-gen; it replaces or removes only these. Do not edit.\n';

export function manifestContent(files: readonly OutputFile[]): string {
  return MANIFEST_HEADER + files.map((f) => f.path).sort().join('\n') + '\n';
}

/** The files of a previous run, from its manifest; empty when DIR has none. */
export function ownedFiles(dir: string): string[] {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .filter((l) => isSafeRelative(l));
}

function isSafeRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.split('/').some((p) => p === '..' || p === '.' || p === '');
}

/** Every file (and symlink) under dir, as relative POSIX paths; empty directories too. */
function listTree(dir: string): { files: string[]; emptyDirs: string[] } {
  const files: string[] = [];
  const emptyDirs: string[] = [];
  const walk = (rel: string) => {
    const entries = readdirSync(join(dir, rel), { withFileTypes: true });
    if (entries.length === 0 && rel !== '') emptyDirs.push(rel);
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk('');
  return { files: files.sort(), emptyDirs };
}

export interface WriteOptions {
  /** Overwrite foreign files that are in the way of generated ones. */
  readonly force?: boolean;
  /** The spec being rendered: DIR may never contain it. */
  readonly specPath?: string;
  /** How long to wait for another wi-gen writing the same DIR. */
  readonly lockTimeoutMs?: number;
}

/** Refuses output directories that would clobber something that is not wi-gen's. */
export function checkOutputDir(dir: string, specPath?: string): string {
  const target = resolve(dir);
  if (target === resolve('/') || dirname(target) === target) throw new UsageError(`refusing to write to ${dir}: it is a filesystem root`);
  if (existsSync(target) && !statSync(target).isDirectory()) throw new UsageError(`-o ${dir} is not a directory`);
  if (specPath && specPath !== '-') {
    const spec = resolve(specPath);
    const rel = relative(target, spec);
    if (rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..')) {
      throw new UsageError(`refusing to write to ${dir}: it contains the spec ${specPath}; choose an output directory beside it, such as ${join(dirname(specPath), 'out')}`);
    }
  }
  return target;
}

function acquireLock(lockPath: string, timeoutMs: number): () => void {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A lock left by a process that died does not block forever.
      const holder = Number.parseInt(readFileSafe(lockPath), 10);
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
        rmSync(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new UsageError(`another wi-gen is writing ${dirname(lockPath)} (lock ${lockPath}); try again`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25);
    }
  }
}

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function uniqueSibling(target: string, kind: string): string {
  return join(dirname(target), `.wi-gen-tmp-${basename(target)}-${kind}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`);
}

/** Carries a foreign entry into the staging tree without copying its bytes when possible. */
function carry(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const st = lstatSync(from);
  if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
  else {
    try {
      linkSync(from, to);
    } catch {
      copyFileSync(from, to);
    }
  }
}

/** Every proper ancestor directory of a relative POSIX path: `a/b/c` → `a`, `a/b`. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/**
 * Puts an unchanged file of the previous tree into the staging tree as a hard link, which is
 * far cheaper than writing it again (and than freeing its blocks when the old tree goes); the
 * old tree itself stays intact until the swap. False when the bytes or permissions differ, or
 * the file system cannot link: the caller then writes the file.
 */
function linkUnchanged(previous: string, staged: string, content: string, mode: number): boolean {
  try {
    const st = lstatSync(previous);
    if (!st.isFile() || (st.mode & 0o777) !== mode || st.size !== Buffer.byteLength(content)) return false;
    if (readFileSync(previous, 'utf8') !== content) return false;
    linkSync(previous, staged);
    return true;
  } catch {
    return false;
  }
}

export interface WriteResult {
  readonly written: number;
  readonly removed: readonly string[];
  readonly kept: readonly string[];
}

export function writeTree(dir: string, files: readonly OutputFile[], options: WriteOptions = {}): WriteResult {
  const target = checkOutputDir(dir, options.specPath);
  for (const f of files) if (!isSafeRelative(f.path)) throw new Error(`unsafe output path ${JSON.stringify(f.path)}`);
  mkdirSync(dirname(target), { recursive: true });
  const release = acquireLock(join(dirname(target), `.wi-gen-lock-${basename(target)}`), options.lockTimeoutMs ?? 30_000);
  const staging = uniqueSibling(target, 'new');
  try {
    const exists = existsSync(target);
    const owned = new Set(exists ? ownedFiles(target) : []);
    const tree = exists ? listTree(target) : { files: [], emptyDirs: [] };
    const generated = new Set(files.map((f) => f.path));
    const generatedDirs = new Set(files.flatMap((f) => ancestors(f.path)));
    const foreign = tree.files.filter((p) => p !== MANIFEST_FILE && !owned.has(p));
    // A foreign file is in the way where a generated file or directory goes, or inside one.
    const inTheWay = new Set(foreign.filter((p) => generated.has(p) || generatedDirs.has(p) || ancestors(p).some((a) => generated.has(a))));
    if (inTheWay.size > 0 && !options.force) {
      const listed = [...inTheWay];
      throw new UsageError(
        `refusing to overwrite ${listed.length} file(s) in ${dir} that wi-gen did not write: ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ', …' : ''} (move them away, or pass --force)`,
      );
    }
    mkdirSync(staging, { recursive: true });
    const made = new Set<string>([staging]);
    const umask = process.umask();
    for (const f of files) {
      const path = join(staging, ...f.path.split('/'));
      const parent = dirname(path);
      if (!made.has(parent)) {
        mkdirSync(parent, { recursive: true });
        made.add(parent);
      }
      const mode = f.executable ? 0o755 : 0o644;
      if (exists && owned.has(f.path) && linkUnchanged(join(target, ...f.path.split('/')), path, f.content, mode & ~umask)) continue;
      writeFileSync(path, f.content, { mode });
    }
    writeFileSync(join(staging, MANIFEST_FILE), manifestContent(files), { mode: 0o644 });
    const kept: string[] = [];
    for (const p of foreign) {
      if (generated.has(p) || inTheWay.has(p)) continue;
      carry(join(target, ...p.split('/')), join(staging, ...p.split('/')));
      kept.push(p);
    }
    for (const d of tree.emptyDirs) mkdirSync(join(staging, ...d.split('/')), { recursive: true });
    const removed = [...owned].filter((p) => !generated.has(p) && existsSync(join(target, ...p.split('/'))));

    if (exists) {
      const old = uniqueSibling(target, 'old');
      renameSync(target, old);
      try {
        renameSync(staging, target);
      } catch (error) {
        renameSync(old, target); // put the previous tree back
        throw error;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(staging, target);
    }
    return { written: files.length, removed, kept };
  } finally {
    rmSync(staging, { recursive: true, force: true });
    release();
  }
}
