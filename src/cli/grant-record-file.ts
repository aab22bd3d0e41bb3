/**
 * Reads the grant record of an existing `-o DIR` tree. A missing record is an empty one (a
 * first render, or a tree from before records); a record that is not wi-gen's is an error with
 * its path, because rendering over it would forget grants that still need pruning.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EMPTY_RECORD, GRANT_RECORD_FILE, GrantRecordError, parseGrantRecord, type GrantRecord } from '../lifecycle/record.js';
import { UsageError } from './errors.js';

/** A record lists a few entries per binding: far below this even at 40,000 bindings. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function readGrantRecord(dir: string): GrantRecord {
  const path = join(dir, GRANT_RECORD_FILE);
  let fd: number;
  try {
    // O_NOFOLLOW: a record linked elsewhere is not wi-gen's record.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return EMPTY_RECORD;
    throw new UsageError(`${path}: cannot read the grant record (${code === 'ELOOP' ? 'it is a symbolic link' : code})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UsageError(`${path}: the grant record is not a regular file`);
    if (st.size > MAX_RECORD_BYTES) throw new UsageError(`${path}: the grant record is ${st.size} bytes, over ${MAX_RECORD_BYTES}`);
    return parseGrantRecord(readFileSync(fd, 'utf8'));
  } catch (error) {
    if (error instanceof GrantRecordError) {
      throw new UsageError(`${path}: not a wi-gen grant record (${error.message}); restore it from version control, or delete it to start a new record (grants it listed for pruning are then forgotten)`);
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}
