/**
 * Reads of files in an output tree that wi-gen did not necessarily put there: never through a
 * symlink (`out/README.md -> /proc/self/environ` would print the environment in a diff), never
 * from a FIFO or device (a hang, or `/dev/zero` read forever), never more than a cap.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readlinkSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Reads at most `limit` bytes and says whether there was more: `wi-gen /dev/zero`, a FIFO or a
 * 5 GB file is refused after reading one byte past the limit, never read into memory whole.
 */
export function readBounded(fd: number, limit: number): { bytes: Buffer; truncated: boolean } {
  // Grows as input arrives: a generous limit (fn's) costs nothing for a small input.
  let buf = Buffer.alloc(Math.min(limit + 1, 64 * 1024));
  let length = 0;
  for (;;) {
    if (length === buf.length) {
      if (buf.length >= limit + 1) break;
      const bigger = Buffer.alloc(Math.min(limit + 1, buf.length * 2));
      buf.copy(bigger, 0, 0, length);
      buf = bigger;
    }
    let n: number;
    try {
      n = readSync(fd, buf, length, buf.length - length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        // A non-blocking pipe with nothing yet: wait instead of spinning a core.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    length += n;
  }
  return { bytes: buf.subarray(0, Math.min(length, limit)), truncated: length > limit };
}

/** Generated files are kilobytes; a tree file larger than this is not wi-gen's, and is not read. */
const MAX_TREE_FILE_BYTES = 16 * 1024 * 1024;

type TreeRead =
  | { readonly kind: 'file'; readonly bytes: Buffer; readonly mode: number }
  | { readonly kind: 'missing' }
  | { readonly kind: 'other'; readonly what: string };

function describe(mode: number): string {
  const type = mode & constants.S_IFMT;
  if (type === constants.S_IFDIR) return 'a directory';
  if (type === constants.S_IFIFO) return 'a FIFO';
  if (type === constants.S_IFCHR) return 'a character device';
  if (type === constants.S_IFBLK) return 'a block device';
  if (type === constants.S_IFSOCK) return 'a socket';
  return 'not a regular file';
}

/**
 * `rel` (a POSIX path under `dir`) as a regular file, opened without following a symlink in it or
 * in any of its directories below `dir`, and without blocking on a FIFO.
 */
export function readTreeFile(dir: string, rel: string, cap = MAX_TREE_FILE_BYTES): TreeRead {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const ancestor = join(dir, ...parts.slice(0, i));
    try {
      const st = lstatSync(ancestor);
      if (st.isSymbolicLink()) return { kind: 'other', what: `under a symbolic link, ${parts.slice(0, i).join('/')} -> ${readlinkSync(ancestor)}` };
      if (!st.isDirectory()) return { kind: 'missing' };
    } catch {
      return { kind: 'missing' };
    }
  }
  const path = join(dir, ...parts);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    if (code === 'ELOOP') {
      let target = '?';
      try {
        target = readlinkSync(path);
      } catch {
        // raced away
      }
      return { kind: 'other', what: `a symbolic link to ${target}` };
    }
    if (code === 'ENXIO') return { kind: 'other', what: 'a socket or FIFO' };
    throw error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { kind: 'other', what: describe(st.mode) };
    if (st.size > cap) return { kind: 'other', what: `a file of ${st.size} bytes (more than ${cap})` };
    const { bytes, truncated } = readBounded(fd, cap);
    if (truncated) return { kind: 'other', what: `a file of more than ${cap} bytes` };
    return { kind: 'file', bytes, mode: st.mode & 0o7777 };
  } finally {
    closeSync(fd);
  }
}

/**
 * A file named on the command line (a spec, a dump): a regular file, FIFO or device, read up to
 * `limit` bytes. Failures are usage errors naming the path and the OS reason, never a stack trace.
 */
export function readNamedInput(path: string, limit: number, what: string): { bytes: Buffer; truncated: boolean; size?: number } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${path}: no such file` : `${path}: cannot read (${code})`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new UsageError(`${path}: is a directory, not ${what}`);
    const read = readBounded(fd, limit);
    return st.isFile() ? { ...read, size: st.size } : read;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  } finally {
    closeSync(fd);
  }
}
