/**
 * Writes a rendered tree to `-o DIR` without ever leaving a half-written or mixed tree:
 * the whole tree is staged in a sibling directory, then swapped in by rename under a lock.
 * wi-gen owns only the files its manifest lists; other files in DIR are carried over untouched
 * (hard links: same inode, mode, owner and times), and a foreign file in the way of a generated
 * one stops the write.
 *
 * Between the two renames of the swap DIR does not exist for a moment (Node has no
 * renameat2(RENAME_EXCHANGE)). A crash there leaves the previous tree as a `.wi-gen-old.*`
 * sibling, which the next run, under the lock, puts back before doing anything else.
 */
import {
  chmodSync,
  lchownSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsync,
  fstatSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { OutputFile, TreeFile } from '../format/tree.js';
import { UsageError } from './errors.js';
import { readTreeFile } from './safe-read.js';

export const MANIFEST_FILE = '.wi-gen-manifest';
const MANIFEST_HEADER = '# files written by wi-gen; it replaces or removes only these. Do not edit.\n';

export function manifestContent(files: readonly OutputFile[]): string {
  return manifestOf(files.map((f) => f.path));
}

function manifestOf(paths: readonly string[]): string {
  return MANIFEST_HEADER + [...paths].sort().join('\n') + '\n';
}

/**
 * The files of a previous run, from its manifest; empty when DIR has none. A manifest that is a
 * symlink, FIFO, device or huge file was not written by wi-gen: refused, never followed or read.
 */
export function ownedFiles(dir: string): string[] {
  const read = readTreeFile(dir, MANIFEST_FILE);
  if (read.kind === 'missing') return [];
  if (read.kind === 'other') throw new UsageError(`${join(dir, MANIFEST_FILE)} is ${read.what}, not the manifest wi-gen writes; remove it`);
  return read.bytes
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .filter((l) => isSafeRelative(l) && l !== MANIFEST_FILE);
}

function isSafeRelative(path: string): boolean {
  return path !== '' && !path.startsWith('/') && !path.includes('\0') && !path.split('/').some((p) => p === '..' || p === '.' || p === '');
}

interface TreeDir {
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly empty: boolean;
}

interface TreeListing {
  /** Files and symlinks, as relative POSIX paths. */
  readonly files: string[];
  /** Every directory, parents first, with its mode, owner and times (restored on the copy); empty ones are kept as such. */
  readonly dirs: TreeDir[];
  /** Inode of each file, to notice files replaced while the new tree was staged. */
  readonly inodes: Map<string, number>;
}

/**
 * Every entry under dir. A directory on another device (a mount point) is refused: DIR is
 * replaced by rename and the old one removed, which would reach into the mounted file system.
 */
function listTree(dir: string): TreeListing {
  const files: string[] = [];
  const dirs: { -readonly [K in keyof TreeDir]: TreeDir[K] }[] = [];
  const inodes = new Map<string, number>();
  const rootDev = lstatSync(dir).dev;
  // Paths are built by hand (names from readdir hold no separator): path.join per entry was a
  // visible part of re-writing a small tree. Returns how many entries `abs` holds.
  const walk = (rel: string, abs: string): number => {
    const names = readdirSync(abs);
    for (const name of names) {
      const child = rel === '' ? name : `${rel}/${name}`;
      const childAbs = `${abs}${sep}${name}`;
      const st = lstatSync(childAbs);
      if (st.isDirectory()) {
        if (st.dev !== rootDev) throw new UsageError(`${childAbs} is a mount point; wi-gen replaces the output directory as a whole, so it cannot hold one`);
        const entry = { path: child, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, atime: st.atime, mtime: st.mtime, empty: false };
        dirs.push(entry);
        entry.empty = walk(child, childAbs) === 0;
      } else {
        files.push(child);
        inodes.set(child, st.ino);
      }
    }
    return names.length;
  };
  walk('', dir);
  return { files: files.sort(), dirs, inodes };
}

interface WriteOptions {
  /** Overwrite foreign files that are in the way of generated ones. */
  readonly force?: boolean;
  /** The spec being rendered: DIR may never contain it. */
  readonly specPath?: string;
  /** How long to wait for another wi-gen writing the same DIR. */
  readonly lockTimeoutMs?: number;
  /** Called after staging, just before the swap: lets tests act in the window other writers race in. */
  readonly beforeSwap?: () => void;
}

function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** `dir` with symlinks resolved: the directory the swap really replaces (a symlinked DIR stays a symlink). */
export function canonicalDir(dir: string): string {
  const target = resolve(dir);
  // No exists-then-realpath: another run's swap renames DIR away for an instant (under its lock,
  // which this run has not taken yet), and DIR missing in between is DIR not made yet.
  const real = realIfThere(target);
  if (real !== undefined) return real;
  const parent = dirname(target);
  return join(realIfThere(parent) ?? parent, basename(target));
}

/** realpath of `path`, or undefined when it does not exist (other errors are thrown). */
function realIfThere(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

const within = (parent: string, child: string): boolean => {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !rel.startsWith(sep));
};

/** Refuses output directories that would clobber something that is not wi-gen's. */
function checkOutputDir(dir: string, specPath?: string): string {
  const target = canonicalDir(dir);
  if (dirname(target) === target) throw new UsageError(`refusing to write to ${dir}: it is a filesystem root`);
  // One stat, not exists-then-stat: see canonicalDir (a DIR that vanished in between is one being swapped).
  const st = statSync(target, { throwIfNoEntry: false });
  if (st && !st.isDirectory()) throw new UsageError(`-o ${dir} is not a directory`);
  // A mount point (`-o /proc`, a volume) cannot be swapped by rename, and walking it reaches into another file system.
  if (st && st.dev !== statSync(dirname(target)).dev) {
    throw new UsageError(`refusing to write to ${dir}: it is a mount point, and wi-gen replaces the output directory as a whole by rename; use a subdirectory of it`);
  }
  if (specPath && specPath !== '-') {
    const candidates = [resolve(specPath), realOrResolved(specPath)];
    if (candidates.some((spec) => within(resolve(dir), spec) || within(target, spec))) {
      throw new UsageError(`refusing to write to ${dir}: it contains the spec ${specPath}; choose an output directory beside it, such as ${join(dirname(specPath), 'out')}`);
    }
  }
  // The swap renames DIR away: the shell's working directory or home would vanish under it.
  if (within(target, realOrResolved(process.cwd()))) {
    throw new UsageError(`refusing to write to ${dir}: it is (or holds) the current directory, and wi-gen replaces the output directory as a whole; use a subdirectory such as ${join(dir, 'out')}`);
  }
  if (target === realOrResolved(homedir())) throw new UsageError(`refusing to write to ${dir}: it is the home directory`);
  return target;
}

// ------------------------------------------------------------------------------------------ lock

/*
 * The lock is a file created with O_EXCL beside DIR. It names its holder by kernel boot, PID
 * namespace, pid and process start time: a pid means something only to a process in the same
 * PID namespace of the same boot. Two containers, or two hosts sharing DIR over a network file
 * system, cannot see each other's processes, so there a lock is stale only by age (its holder
 * touches it while it works). Judging another namespace's pid as dead let each run delete the
 * other's staging tree and mix the two.
 */

/** A lock not touched for this long is stale even when its holder cannot be checked (another host or container). */
export const LOCK_STALE_AFTER_MS = 10 * 60_000;
/** How often a holder touches its lock; far below LOCK_STALE_AFTER_MS. */
const LOCK_TOUCH_EVERY_MS = 5_000;

/** Start time of a process (clock ticks since boot), so a recycled pid is not taken for the holder. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
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

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

interface LockHolder {
  readonly host: string;
  /** /proc/sys/kernel/random/boot_id: one per kernel boot, shared by the containers on it. */
  readonly boot: string;
  /** The PID namespace (`pid:[inode]` of /proc/self/ns/pid); '-' where unknown. */
  readonly pidns: string;
  readonly pid: number;
  readonly start: string;
  /** Random, so two holders never write the same content. */
  readonly token: string;
}

/**
 * This process as a lock holder. /proc/self/ns/pid is the namespace the process was created
 * in; /proc itself may be the host's (a container without its own /proc mount), so the pid
 * check below is trusted only when /proc/self is this process.
 */
function selfHolder(): LockHolder {
  let pidns = '-';
  try {
    pidns = readlinkSync('/proc/self/ns/pid');
  } catch {
    // no /proc: pids cannot be judged, only age
  }
  // /proc mounted from another PID namespace shows another process as "self".
  if (readTrimmed('/proc/self/stat')?.split(' ')[0] !== String(process.pid)) pidns = '-';
  return {
    host: hostname(),
    boot: readTrimmed('/proc/sys/kernel/random/boot_id') ?? '-',
    pidns,
    pid: process.pid,
    start: startTime(process.pid) ?? '-',
    token: Math.random().toString(36).slice(2, 12),
  };
}

const LOCK_MAGIC = 'wi-gen-lock/2';

function lockContent(h: LockHolder): string {
  const field = (v: string) => encodeURIComponent(v);
  return `${LOCK_MAGIC} host=${field(h.host)} boot=${field(h.boot)} pidns=${field(h.pidns)} pid=${h.pid} start=${field(h.start)} token=${h.token}\n`;
}

/** The holder a lock names: the current format, the `PID START` of earlier versions, or undefined (being written, or not ours). */
function parseLock(content: string): (LockHolder & { legacy: boolean }) | undefined {
  const text = content.trim();
  if (text.startsWith(`${LOCK_MAGIC} `)) {
    const fields = new Map(text.split(' ').slice(1).map((kv) => [kv.slice(0, kv.indexOf('=')), decodeURIComponent(kv.slice(kv.indexOf('=') + 1))] as const));
    const pid = Number.parseInt(fields.get('pid') ?? '', 10);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    return { host: fields.get('host') ?? '-', boot: fields.get('boot') ?? '-', pidns: fields.get('pidns') ?? '-', pid, start: fields.get('start') ?? '-', token: fields.get('token') ?? '', legacy: false };
  }
  const legacy = /^(\d+) (\S+)$/.exec(text);
  if (!legacy) return undefined;
  // Earlier wi-gen versions wrote "PID START" and ran on the same host; judged as before.
  return { host: '-', boot: '-', pidns: '-', pid: Number(legacy[1]), start: legacy[2] as string, token: '', legacy: true };
}

function lockAgeMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/**
 * The holder recorded in a lock is gone. Its pid is checked only where it means the same process:
 * same boot and same PID namespace as this one. Anywhere else only age tells: a holder touches its
 * lock every few seconds, so one untouched for LOCK_STALE_AFTER_MS is gone (or hung past use).
 */
function isStale(path: string, content: string, self: LockHolder): boolean {
  const holder = parseLock(content);
  if (!holder) return lockAgeMs(path) > 5_000; // killed between create and write: stale once old
  const pidMeansSameProcess = holder.legacy || (holder.boot === self.boot && holder.pidns === self.pidns && self.boot !== '-' && self.pidns !== '-');
  if (!pidMeansSameProcess) return lockAgeMs(path) > LOCK_STALE_AFTER_MS;
  if (!alive(holder.pid)) return true;
  const now = startTime(holder.pid);
  return holder.start !== '-' && now !== undefined && now !== holder.start;
}

function readFileSafe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } catch (error) {
    // A disk too full for a few bytes would leave an empty lock behind.
    closeSync(fd);
    rmSync(path, { force: true });
    throw error;
  }
  closeSync(fd);
  return true;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Removes a stale lock without racing another waiter that removes it too and then takes a
 * fresh lock, which this one would delete: removal happens under a second, short-lived lock,
 * after checking the lock still holds the stale content that was judged.
 */
function breakStaleLock(lockPath: string, staleContent: string, self: LockHolder): void {
  const breaker = `${lockPath}.break`;
  if (!createExclusive(breaker, lockContent(self))) {
    const holder = readFileSafe(breaker);
    // A breaker is held for microseconds: an old one belongs to a waiter killed mid-break.
    if (holder !== undefined && isStale(breaker, holder, self) && lockAgeMs(breaker) > 5_000) rmSync(breaker, { force: true });
    return;
  }
  try {
    if (readFileSafe(lockPath) === staleContent) rmSync(lockPath, { force: true });
  } finally {
    rmSync(breaker, { force: true });
  }
}

interface Lock {
  /** Touches the lock (at most every few seconds), so waiters in other namespaces see it is live. */
  readonly touch: () => void;
  /** True while the lock file is still this holder's. */
  readonly held: () => boolean;
  readonly release: () => void;
}

/** Takes the lock for `target`, waiting for a live holder. */
function takeLock(target: string, timeoutMs = 30_000): Lock {
  const lockPath = join(dirname(target), `.wi-gen-lock.${basename(target)}`);
  const self = selfHolder();
  const content = lockContent(self);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (createExclusive(lockPath, content)) {
      let touched = Date.now();
      const held = () => readFileSafe(lockPath) === content;
      return {
        touch: () => {
          if (Date.now() - touched < LOCK_TOUCH_EVERY_MS) return;
          touched = Date.now();
          try {
            const now = new Date();
            utimesSync(lockPath, now, now);
          } catch {
            // gone: held() says so before the swap
          }
        },
        held,
        release: () => {
          // unlink, not rmSync: rmSync loads Node's recursive remover on first use (~0.5 ms), for one file.
          if (!held()) return;
          try {
            unlinkSync(lockPath);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
          }
        },
      };
    }
    const holder = readFileSafe(lockPath);
    if (holder !== undefined && isStale(lockPath, holder, self)) {
      breakStaleLock(lockPath, holder, self);
      continue;
    }
    if (Date.now() > deadline) {
      const h = holder === undefined ? undefined : parseLock(holder);
      const who = h ? `pid ${h.pid}${h.legacy || (h.boot === self.boot && h.pidns === self.pidns) ? '' : ` on ${h.host}, in another container or host`}` : 'pid ?';
      throw new UsageError(`another wi-gen (${who}) is writing ${target}; try again, or remove ${lockPath} if no wi-gen is running`);
    }
    sleep(10 + Math.floor(Math.random() * 20));
  }
}

/** Takes the lock for `target`, waiting for a live holder; returns the release function. */
export function acquireLock(target: string, timeoutMs = 30_000): () => void {
  return takeLock(target, timeoutMs).release;
}

// ----------------------------------------------------------------------------------------- swap

type SiblingKind = 'new' | 'old' | 'trash';

function sibling(target: string, kind: SiblingKind): string {
  return join(dirname(target), `.wi-gen-${kind}.${process.pid}-${Math.random().toString(36).slice(2, 10)}.${basename(target)}`);
}

/** Siblings of `target` of the given kinds, left by this or an earlier run; `names` lists its parent once. */
function siblings(target: string, kinds: readonly SiblingKind[], names = readdirSync(dirname(target))): string[] {
  const base = basename(target);
  return kinds.flatMap((kind) => {
    const prefix = `.wi-gen-${kind}.`;
    return names.filter((n) => n.startsWith(prefix) && n.slice(n.indexOf('.', prefix.length) + 1) === base).map((n) => join(dirname(target), n));
  });
}

/** Removes a tree even when it holds read-only directories; false if something stayed. */
function removeTree(path: string): boolean {
  try {
    rmSync(path, { recursive: true, force: true });
    return true;
  } catch {
    const walk = (p: string) => {
      try {
        if (!lstatSync(p).isDirectory()) return;
        chmodSync(p, 0o700);
        for (const n of readdirSync(p)) walk(join(p, n));
      } catch {
        // best effort
      }
    };
    walk(path);
    try {
      rmSync(path, { recursive: true, force: true });
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Under the lock: a crash between the two renames left DIR missing and the previous tree in
 * `.wi-gen-old.*`; put it back. Staging trees and removed trees of dead runs go.
 */
function recover(target: string): boolean {
  const names = readdirSync(dirname(target));
  const olds = siblings(target, ['old'], names);
  let restored = false;
  if (!existsSync(target) && olds.length > 0) {
    const newest = olds.map((p) => ({ p, t: lstatSync(p).mtimeMs })).sort((a, b) => b.t - a.t)[0] as { p: string };
    renameSync(newest.p, target);
    restored = true;
  }
  for (const p of siblings(target, ['old', 'new', 'trash'], names)) {
    if (existsSync(p)) removeTree(p);
  }
  return restored;
}

/** Runs `use` on `path` opened with `flags`; an I/O error carrying no path (write(2), fsync(2): a full disk) names the file. */
function withFile(path: string, flags: string, mode: number | undefined, use: (fd: number) => void): void {
  const fd = openSync(path, flags, mode);
  try {
    use(fd);
  } catch (error) {
    throw naming(error, path);
  } finally {
    closeSync(fd);
  }
}

/** UTF-16 units encoded at a time: at most 3 bytes each in UTF-8 (a surrogate pair, 2 units, is 4 bytes). */
const CHUNK_UNITS = 16_384;
/** Reused for every chunk: a large file is never one buffer of its own (which would stay in memory until a GC). */
const chunk = Buffer.allocUnsafe(3 * CHUNK_UNITS);
const readBack = Buffer.allocUnsafe(3 * CHUNK_UNITS);

/**
 * Calls `use` with the UTF-8 bytes of the parts' text, a chunk at a time, until it returns false;
 * the chunk's buffer is reused. Small parts share a chunk (a README comes in ~150 parts: one
 * write(2) each was ~2 ms of a small render); a large one is cut. A part is encoded on its own, so
 * it may not end inside a surrogate pair (none does: parts end at a header or a line).
 */
function eachChunk(parts: Iterable<string>, use: (bytes: Buffer) => boolean): boolean {
  let filled = 0;
  const flush = (): boolean => {
    const ok = filled === 0 || use(chunk.subarray(0, filled));
    filled = 0;
    return ok;
  };
  for (const part of parts) {
    // Whole, behind what the chunk holds, where it surely fits (3 bytes a UTF-16 unit at most).
    if (3 * part.length <= chunk.length - filled) {
      filled += chunk.write(part, filled);
      continue;
    }
    if (!flush()) return false;
    for (let at = 0; at < part.length; ) {
      let end = Math.min(part.length, at + CHUNK_UNITS);
      // Never split a pair here: each half alone would encode as U+FFFD.
      const last = part.charCodeAt(end - 1);
      if (end < part.length && last >= 0xd800 && last <= 0xdbff) end--;
      filled = chunk.write(at === 0 && end === part.length ? part : part.slice(at, end), 0);
      at = end;
      // The part's last piece stays in the chunk, for the parts after it.
      if (at < part.length && !flush()) return false;
    }
  }
  return flush();
}

/** Writes all of `bytes` at the file's current offset (write(2) may write less). */
function writeAll(fd: number, bytes: Buffer): void {
  for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
}

/** Names `path` in an I/O error that carries none (write(2), fsync(2): a full disk). */
function naming(error: unknown, path: string): unknown {
  const e = error as NodeJS.ErrnoException;
  if (e.code !== undefined && e.path === undefined) e.path = path;
  return error;
}

/** Writes a new file and hands it to `durability`, which makes its data durable before the swap. */
function writeStaged(path: string, parts: Iterable<string>, mode: number, durability: Durability): void {
  const fd = openSync(path, 'wx', mode);
  try {
    eachChunk(parts, (bytes) => {
      writeAll(fd, bytes);
      return true;
    });
  } catch (error) {
    closeSync(fd);
    throw naming(error, path);
  }
  durability.written(fd, path);
}

/** The previous file holds `bytes` at `position` (within the size it had when it was opened). */
function holdsAt(previous: Previous, bytes: Buffer, position: number): boolean {
  if (position + bytes.length > previous.stat.size) return false;
  for (let got = 0; got < bytes.length; ) {
    const n = readSync(previous.fd, readBack, got, bytes.length - got, position + got);
    if (n === 0) return false;
    got += n;
  }
  return readBack.subarray(0, bytes.length).equals(bytes);
}

/** Copies the first `length` bytes of the file open at `from` to the file open at `to`. */
function copyPrefix(from: number, to: number, length: number): void {
  for (let position = 0; position < length; ) {
    const n = readSync(from, readBack, 0, Math.min(readBack.length, length - position), position);
    if (n === 0) throw new Error('the previous file shrank while it was read');
    writeAll(to, readBack.subarray(0, n));
    position += n;
  }
}

/**
 * Makes the staged files durable: every byte of the new tree is on disk before the swap renames it
 * in. The writer hands each file over as soon as it is written and settles before the swap.
 */
interface Durability {
  /** `fd`, open on the staged file `path` that was just written, is handed over: this closes it. */
  written(fd: number, path: string): void;
  /** Returns once every file handed over is on disk; throws (or rejects) with the first failure. */
  settle(): void | Promise<void>;
}

/**
 * fsync(2) of every staged file in one pass after all the writes rather than one fsync after
 * each: on a journalling file system the first sync commits the metadata of every file written
 * before it, so each later one only flushes its own data (an -o render of an example: ~7 ms in
 * interleaved syncs, ~3 ms in one pass, about 0.2 ms a file on ext4). A file is reopened
 * read-only for it, which Linux and macOS allow.
 */
function syncInOnePass(): Durability {
  const paths: string[] = [];
  return {
    written: (fd, path) => {
      closeSync(fd);
      paths.push(path);
    },
    settle: () => {
      for (const path of paths) withFile(path, 'r', undefined, (handle) => fsyncSync(handle));
    },
  };
}

/** Files synced at once on the thread pool; past this many, the rest go to the one pass (bounded open files). */
const MAX_SYNCS_IN_FLIGHT = 64;

/**
 * Where the caller can wait (the CLI): each file's fsync starts on libuv's thread pool as soon as it
 * is written, so the disk flushes it while the next files are rendered and written, and the
 * syncs overlap each other (ext4 commits concurrent ones together). Before the swap the writer
 * awaits them all: the guarantee is the one pass's. A failure is kept, not rejected, so files
 * still syncing when the write stops for another reason never leave an unhandled rejection.
 */
function syncInParallel(): Durability & { settle(): Promise<void> } {
  const inFlight: Promise<void>[] = [];
  const overflow = syncInOnePass();
  let failure: NodeJS.ErrnoException | undefined;
  return {
    written(fd, path) {
      if (inFlight.length >= MAX_SYNCS_IN_FLIGHT) return overflow.written(fd, path);
      inFlight.push(
        new Promise<void>((done) => {
          fsync(fd, (error) => {
            try {
              closeSync(fd);
            } catch (closing) {
              // After a sync, close has nothing left to write; a failed sync is reported below.
              if (!error && !failure) failure = Object.assign(closing as NodeJS.ErrnoException, { path });
            }
            if (error && !failure) failure = Object.assign(error, error.path === undefined ? { path } : {});
            done();
          });
        }),
      );
    },
    async settle() {
      await Promise.all(inFlight);
      if (failure) throw failure;
      overflow.settle();
    },
  };
}

function fsyncDir(path: string): void {
  try {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every file system lets a directory be opened or synced
  }
}

/**
 * Carries a foreign entry into the staging tree without copying its bytes when possible. Where a
 * hard link is refused (a file system without them, protected_hardlinks) the copy gets the
 * original's owner, mode and times, as far as this process may set them.
 */
function carry(from: string, to: string, st: Stats): void {
  if (st.isSymbolicLink()) {
    symlinkSync(readlinkSync(from), to);
    keepOwner(to, st);
    return;
  }
  try {
    linkSync(from, to);
    return;
  } catch (error) {
    if (!st.isFile()) throw new UsageError(`cannot carry ${from} (${st.isFIFO() ? 'a FIFO' : 'a special file'}) into the new tree: ${(error as NodeJS.ErrnoException).code}; move it out of the output directory`);
  }
  copyFileSync(from, to);
  keepOwner(to, st);
  chmodSync(to, st.mode & 0o7777);
  utimesSync(to, st.atime, st.mtime);
}

/** Gives `path` the owner of `st` when it differs; only root may, and a failure keeps ours. */
function keepOwner(path: string, st: { uid: number; gid: number }): void {
  try {
    const now = lstatSync(path);
    if (now.uid !== st.uid || now.gid !== st.gid) lchownSync(path, st.uid, st.gid);
  } catch {
    // not permitted: the entry keeps this process's owner
  }
}

/** Every proper ancestor directory of a relative POSIX path: `a/b/c` → `a`, `a/b`. */
function ancestors(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i !== -1; i = path.indexOf('/', i + 1)) out.push(path.slice(0, i));
  return out;
}

/**
 * What an unchanged file of the previous tree was when it was compared: the staging tree, made
 * only at the first file that differs, then takes it as a hard link (or a copy) if it still is.
 */
interface Unchanged {
  readonly path: string;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
}

/** A file of the tree in DIR that a generated file may leave as it is, open for reading. */
interface Previous {
  readonly path: string;
  /** DIR as the user gave it, to name the file in a message. */
  readonly dir: string;
  readonly fd: number;
  readonly stat: Stats;
}

/**
 * The file of the tree in DIR at `path`, open, when it is the one the listing found there (not
 * reached through a directory since replaced by a symlink) and a regular file with this mode: a
 * generated file with its bytes leaves it as it is. Else undefined (nothing to compare with).
 */
function openPrevious(dir: string, target: string, path: string, listedInode: number | undefined, mode: number): Previous | undefined {
  if (listedInode === undefined) return undefined;
  let fd: number | undefined;
  try {
    // Not through a symlink, and never waiting on a FIFO put in the file's place.
    fd = openSync(join(target, ...path.split('/')), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (stat.ino === listedInode && stat.isFile() && (stat.mode & 0o777) === mode) return { path, dir, fd, stat };
  } catch {
    // gone, or not a file: written anew
  }
  if (fd !== undefined) closeSync(fd);
  return undefined;
}

const unchangedAs = ({ path, stat }: Previous): Unchanged => ({ path, ino: stat.ino, size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs });

/** `now` is the file `was` stood for when it was compared: same size, and written or changed at no time since. */
const stillAsCompared = (now: Stats, was: Pick<Unchanged, 'size' | 'mtimeMs' | 'ctimeMs'>): boolean =>
  now.size === was.size && now.mtimeMs === was.mtimeMs && now.ctimeMs === was.ctimeMs;

/** A file of DIR compared earlier was changed since, by something other than wi-gen (which the lock keeps out). */
const changedWhileWriting = (dir: string, path: string): UsageError =>
  new UsageError(`${join(dir, path)} changed while wi-gen was writing ${dir}; nothing was changed, run again`);

/** `previous` holds exactly the parts' bytes: its stat then, else undefined. Closes it. */
function sameFile(previous: Previous | undefined, parts: Iterable<string>): Unchanged | undefined {
  if (!previous) return undefined;
  try {
    let position = 0;
    const same = eachChunk(parts, (bytes) => {
      if (!holdsAt(previous, bytes, position)) return false;
      position += bytes.length;
      return true;
    });
    return same && position === previous.stat.size ? unchangedAs(previous) : undefined;
  } finally {
    closeSync(previous.fd);
  }
}

/** Where a generated file that differs from the previous tree's is written: the staged file, open. */
interface Staged {
  readonly path: string;
  readonly fd: number;
}

/**
 * Reads a generated file's parts once, as they are made, comparing them with `previous` (when
 * there is one) while they match: a file with the same bytes is left as it is (its stat is
 * returned). At the first difference `stage()` opens the file in the staging tree, the bytes
 * found equal so far are copied from `previous`, and the rest is written after them, so that a
 * file of megabytes is neither held whole nor made twice. Closes `previous`; a written file goes
 * to `durability`.
 */
function compareOrWrite(previous: Previous | undefined, parts: Iterable<string>, stage: () => Staged, durability: Durability): Unchanged | undefined {
  let position = 0;
  let out: Staged | undefined;
  const divert = (): Staged => {
    const staged = stage();
    out = staged;
    if (previous && position > 0) {
      copyPrefix(previous.fd, staged.fd, position);
      // Compared and copied through one descriptor: only a write into the file itself (which the
      // lock does not keep out) can make the copy differ from what was compared.
      if (!stillAsCompared(fstatSync(previous.fd), previous.stat)) throw changedWhileWriting(previous.dir, previous.path);
    }
    return staged;
  };
  try {
    eachChunk(parts, (bytes) => {
      if (!out && previous && holdsAt(previous, bytes, position)) {
        position += bytes.length;
        return true;
      }
      writeAll((out ?? divert()).fd, bytes);
      return true;
    });
    if (!out) {
      if (previous && position === previous.stat.size) return unchangedAs(previous);
      divert();
    }
  } catch (error) {
    if (out) {
      closeSync(out.fd);
      throw naming(error, out.path);
    }
    throw error;
  } finally {
    if (previous) closeSync(previous.fd);
  }
  const written = out as Staged;
  durability.written(written.fd, written.path);
  return undefined;
}

/**
 * Puts an unchanged file of the previous tree into the staging tree as a hard link, which is
 * far cheaper than writing it again (and than freeing its blocks when the old tree goes); the
 * old tree itself stays intact until the swap. Where the file system cannot link, a copy with
 * the same mode. Its bytes were compared earlier and are not kept: a file changed since (by
 * something other than wi-gen, which the lock keeps out) stops the write.
 */
function stageUnchanged(dir: string, target: string, file: Unchanged, staged: string, mode: number, durability: Durability): void {
  // Only the file the listing found in DIR itself: through a directory replaced by a symlink,
  // the path would name a file outside DIR, and a hard link would pull it into the tree.
  const from = join(target, ...file.path.split('/'));
  const st = statIfThere(from);
  if (!st || !st.isFile() || st.ino !== file.ino || !stillAsCompared(st, file)) throw changedWhileWriting(dir, file.path);
  try {
    linkSync(from, staged);
  } catch {
    // A copy is new data: made durable before the swap like a written file (a link is not).
    copyFileSync(from, staged, constants.COPYFILE_EXCL);
    chmodSync(staged, mode);
    durability.written(openSync(staged, 'r'), staged);
  }
}

function statIfThere(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

export interface WriteResult {
  readonly written: number;
  readonly removed: readonly string[];
  readonly kept: readonly string[];
  /** Foreign files created in DIR while the new tree was staged, moved into it after the swap. */
  readonly rescued: readonly string[];
  /** Where foreign files that could not be moved back were left (empty when none). */
  readonly leftIn?: string;
}

/**
 * Writes `content` as DIR. The files may come one at a time (an iterable, such as a render that
 * makes them as they are asked for): each is compared with the tree in DIR or written into the
 * staging tree, and not kept, so a large tree is never held whole. `content` may be a function,
 * called under the writers' lock once DIR is recovered: what it gives may then depend on the
 * tree it replaces (the grant record) without a concurrent writer slipping in between the read
 * and the swap. An error while the files are being made (a throwing iterator) changes nothing.
 */
export function writeTree(dir: string, content: TreeContent, options: WriteOptions = {}): WriteResult {
  const steps = writeSteps(dir, content, options, syncInOnePass());
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    try {
      step.value.settle();
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next();
  }
}

/**
 * writeTree for a caller that can wait (the CLI): the same steps and guarantees, with the files'
 * fsyncs running on the thread pool while the rest of the tree is rendered and written.
 */
export async function writeTreeInParallel(dir: string, content: TreeContent, options: WriteOptions = {}): Promise<WriteResult> {
  const steps = writeSteps(dir, content, options, syncInParallel());
  for (let step = steps.next(); ; ) {
    if (step.done) return step.value;
    try {
      await step.value.settle();
    } catch (error) {
      step = steps.throw(error);
      continue;
    }
    step = steps.next();
  }
}

type TreeContent = Iterable<OutputFile | TreeFile> | (() => Iterable<OutputFile | TreeFile>);

/**
 * The write, as steps: it yields `durability` once, when every file is written and must be on disk
 * before the swap, and the driver settles it (synchronously, or awaiting the thread pool) before
 * asking for the rest. A failure of the settling is thrown in at that point, so the staging tree
 * and the lock are cleaned up as for any other error.
 */
function* writeSteps(dir: string, content: TreeContent, options: WriteOptions, durability: Durability): Generator<Durability, WriteResult, undefined> {
  const checkPath = (path: string) => {
    if (!isSafeRelative(path) || path === MANIFEST_FILE) throw new Error(`unsafe output path ${JSON.stringify(path)}`);
  };
  // A list given whole is checked before anything is touched.
  if (Array.isArray(content)) for (const f of content as readonly OutputFile[]) checkPath(f.path);
  const target = checkOutputDir(dir, options.specPath);
  mkdirSync(dirname(target), { recursive: true });
  const lock = takeLock(target, options.lockTimeoutMs);
  const staging = sibling(target, 'new');
  try {
    const restored = recover(target);
    const files = typeof content === 'function' ? content() : content;
    const exists = existsSync(target);
    const owned = new Set(exists ? ownedFiles(target) : []);
    const tree: TreeListing = exists ? listTree(target) : { files: [], dirs: [], inodes: new Map() };
    const umask = process.umask();
    const stagedPath = (path: string) => join(staging, ...path.split('/'));

    /** Generated paths, in the order they came. */
    const generated = new Set<string>();
    /** Files and directories this run created (not carried): given DIR's owner when root writes a user's DIR. */
    const ours: string[] = [];
    const made = new Set<string>([staging]);
    const makeParent = (path: string) => {
      const parent = dirname(path);
      if (made.has(parent)) return;
      const first = mkdirSync(parent, { recursive: true });
      if (first !== undefined) for (let d = parent; d.length >= first.length; d = dirname(d)) ours.push(d);
      made.add(parent);
    };
    // An unchanged re-render (the common case of `render`, the pre-commit hook and CI) leaves DIR
    // as it is: nothing is created or removed, so nothing can be half-done. The staging tree is
    // made only at the first file that differs; the unchanged files before it wait here (their
    // stat, not their bytes). After a recovery the swap must still run, to make its rename durable.
    let stagingMade = false;
    let waiting: { file: Unchanged; mode: number }[] = [];
    const stageAsIs = (file: Unchanged, mode: number) => {
      const path = stagedPath(file.path);
      makeParent(path);
      stageUnchanged(dir, target, file, path, mode, durability);
    };
    const startStaging = () => {
      mkdirSync(staging);
      stagingMade = true;
      for (const { file, mode } of waiting) stageAsIs(file, mode);
      waiting = [];
    };
    if (!exists || restored) startStaging();

    for (const f of files) {
      lock.touch();
      checkPath(f.path);
      if (generated.has(f.path)) throw new Error(`output path ${JSON.stringify(f.path)} was rendered twice`);
      generated.add(f.path);
      const mode = f.executable ? 0o755 : 0o644;
      const parts = 'parts' in f ? f.parts : [f.content];
      const previous = exists && owned.has(f.path) ? openPrevious(dir, target, f.path, tree.inodes.get(f.path), mode & ~umask) : undefined;
      const stage = (): Staged => {
        if (!stagingMade) startStaging();
        const path = stagedPath(f.path);
        makeParent(path);
        const fd = openSync(path, 'wx', mode);
        ours.push(path);
        return { path, fd };
      };
      // An unchanged file of the previous tree is hard-linked, not rewritten: most of a re-render's cost at scale.
      const same = compareOrWrite(previous, parts, stage, durability);
      if (!same) continue;
      if (!stagingMade) waiting.push({ file: same, mode: mode & ~umask });
      else stageAsIs(same, mode & ~umask);
    }

    const generatedDirs = new Set([...generated].flatMap((p) => ancestors(p)));
    const foreign = tree.files.filter((p) => p !== MANIFEST_FILE && !owned.has(p));
    // In the way: the same path, a file where a generated directory goes, or a generated file where a
    // directory is. Checked once every path is known; until the swap the staging tree is invisible.
    const inTheWay = new Set(foreign.filter((p) => generated.has(p) || generatedDirs.has(p) || ancestors(p).some((a) => generated.has(a))));
    if (inTheWay.size > 0 && !options.force) {
      const listed = [...inTheWay];
      throw new UsageError(
        `refusing to overwrite ${listed.length} file(s) in ${dir} that wi-gen did not write: ${listed.slice(0, 5).join(', ')}${listed.length > 5 ? ', …' : ''} (move them away, or pass --force)`,
      );
    }
    const dropped = inTheWay;
    const manifest = manifestOf([...generated]);

    if (!stagingMade) {
      // Every file is as it was: DIR already is the tree the swap would make when its manifest
      // lists exactly these files (same bytes, modes, foreign entries).
      if (dropped.size === 0 && sameFile(openPrevious(dir, target, MANIFEST_FILE, tree.inodes.get(MANIFEST_FILE), 0o644 & ~umask), [manifest])) {
        return { written: generated.size, removed: [], kept: foreign, rescued: [] };
      }
      startStaging();
    }

    // Directories come back with what they hold; an empty one (a placeholder of the user's) as itself.
    for (const d of tree.dirs) if (d.empty && !generated.has(d.path)) mkdirSync(stagedPath(d.path), { recursive: true });
    writeStaged(join(staging, MANIFEST_FILE), [manifest], 0o644, durability);
    ours.push(join(staging, MANIFEST_FILE));
    yield durability;
    const kept: string[] = [];
    for (const p of foreign) {
      lock.touch();
      if (dropped.has(p)) continue;
      const from = join(target, ...p.split('/'));
      const to = stagedPath(p);
      mkdirSync(dirname(to), { recursive: true });
      carry(from, to, lstatSync(from));
      kept.push(p);
    }
    // `sudo wi-gen -o DIR` on a user's DIR: what it creates belongs to DIR's owner, as the rest does.
    const targetStat = exists ? statSync(target) : undefined;
    if (targetStat) for (const p of ours) keepOwner(p, targetStat);
    // Owners, modes, then times, deepest first: a read-only directory must be filled before it is
    // locked, and setting anything inside a directory changes its mtime.
    for (const d of [...tree.dirs].reverse()) {
      const path = stagedPath(d.path);
      if (!existsSync(path) || !lstatSync(path).isDirectory()) continue;
      keepOwner(path, d);
      chmodSync(path, d.mode);
      // A directory holding generated files changed; one holding only the user's things did not.
      if (!generatedDirs.has(d.path)) utimesSync(path, d.atime, d.mtime);
    }
    if (targetStat) {
      keepOwner(staging, targetStat);
      chmodSync(staging, targetStat.mode & 0o7777);
    }
    fsyncDir(staging);
    const removed = [...owned].filter((p) => !generated.has(p) && existsSync(join(target, ...p.split('/'))));

    options.beforeSwap?.();
    // Held for longer than LOCK_STALE_AFTER_MS without a touch (a stopped process), another run
    // may have taken over: swapping now would replace its tree with an older one.
    if (!lock.held()) throw new UsageError(`lost the lock on ${dir} while writing (another wi-gen took it over); nothing was changed, run again`);
    let rescued: string[] = [];
    let leftIn: string | undefined;
    if (exists) {
      const old = sibling(target, 'old');
      try {
        renameSync(target, old);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'EBUSY' || code === 'EXDEV' || code === 'EPERM' || code === 'EACCES') {
          throw new UsageError(`cannot replace ${dir} (${code}): wi-gen swaps the output directory by rename, so it cannot be a mount point and its parent must be writable; use a subdirectory`);
        }
        throw error;
      }
      try {
        renameSync(staging, target);
      } catch (error) {
        renameSync(old, target); // put the previous tree back
        throw error;
      }
      fsyncDir(dirname(target));
      ({ rescued, leftIn } = rescueLateArrivals(old, target, tree, owned, generated));
    } else {
      renameSync(staging, target);
      fsyncDir(dirname(target));
    }
    return { written: generated.size, removed, kept, rescued, ...(leftIn ? { leftIn } : {}) };
  } catch (error) {
    // A path in the staging tree means nothing to the user: name the file in DIR it was for.
    const e = error as NodeJS.ErrnoException;
    if (typeof e.path === 'string' && e.path.startsWith(staging)) e.path = join(dir, relative(staging, e.path)) + ' (being staged beside it)';
    throw error;
  } finally {
    if (existsSync(staging)) removeTree(staging);
    lock.release();
  }
}

/**
 * Foreign files created (or replaced by an editor's rename) in the old tree after it was listed
 * would vanish with it: move them into the new tree, then remove the old one.
 */
function rescueLateArrivals(old: string, target: string, before: TreeListing, owned: ReadonlySet<string>, generated: ReadonlySet<string>): { rescued: string[]; leftIn?: string } {
  const now = listTree(old);
  const rescued: string[] = [];
  const stuck: string[] = [];
  for (const p of now.files) {
    if (p === MANIFEST_FILE || owned.has(p) || before.inodes.get(p) === now.inodes.get(p)) continue;
    const dest = join(target, ...p.split('/'));
    if (generated.has(p) || [...generated].some((g) => p.startsWith(`${g}/`))) {
      stuck.push(p);
      continue;
    }
    try {
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(join(old, ...p.split('/')), dest);
      rescued.push(p);
    } catch {
      stuck.push(p);
    }
  }
  if (stuck.length > 0) {
    const keep = join(dirname(target), `.wi-gen-kept.${process.pid}-${Math.random().toString(36).slice(2, 10)}.${basename(target)}`);
    renameSync(old, keep);
    return { rescued, leftIn: keep };
  }
  if (!removeListed(old, now, rescued) && !removeTree(old)) {
    // Retried (never restored) by the next run's recovery.
    try {
      renameSync(old, sibling(target, 'trash'));
    } catch {
      // the next run's recovery still finds it as .wi-gen-old and sees DIR present
    }
  }
  return { rescued };
}

/**
 * Removes a tree just listed, one unlink or rmdir per entry: the recursive removal would stat
 * and retry each entry again. False (nothing more tried) when anything else turned up.
 */
function removeListed(root: string, listing: TreeListing, moved: readonly string[]): boolean {
  const gone = new Set(moved);
  try {
    for (const p of listing.files) if (!gone.has(p)) unlinkSync(`${root}${sep}${p.split('/').join(sep)}`);
    for (const d of [...listing.dirs].reverse()) rmdirSync(`${root}${sep}${d.path.split('/').join(sep)}`);
    rmdirSync(root);
    return true;
  } catch {
    return false;
  }
}
