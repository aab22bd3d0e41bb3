/**
 * Reads the grant record of an existing `-o DIR` tree. A missing record is an empty one (a
 * first render, or a tree from before records); a record that is not wi-gen's is an error with
 * its path, because rendering over it would forget grants that still need pruning.
 */
import { join } from 'node:path';
import { EMPTY_RECORD, GRANT_RECORD_FILE, GrantRecordError, parseGrantRecord, type GrantRecord } from '../lifecycle/record.js';
import { UsageError } from './errors.js';
import { readTreeFile } from './safe-read.js';

/** A record lists a few entries per binding: far below this even at 40,000 bindings. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export function readGrantRecord(dir: string): GrantRecord {
  const path = join(dir, GRANT_RECORD_FILE);
  // The same no-follow, regular-file-only, capped read as every other file of the tree.
  const read = readTreeFile(dir, GRANT_RECORD_FILE, MAX_RECORD_BYTES);
  if (read.kind === 'missing') return EMPTY_RECORD;
  if (read.kind === 'other') throw new UsageError(`${path}: the grant record is ${read.what}, not a regular file wi-gen wrote`);
  try {
    return parseGrantRecord(read.bytes.toString('utf8'));
  } catch (error) {
    if (!(error instanceof GrantRecordError)) throw error;
    throw new UsageError(`${path}: not a wi-gen grant record (${error.message}); restore it from version control, or delete it to start a new record (grants it listed for pruning are then forgotten)`);
  }
}
