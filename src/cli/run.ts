/** Process entry point: wires `main` to the real stdio and exit code (lib/wi-gen-cli.cjs calls `runCli`). */
import { writeSync } from 'node:fs';
import { MAX_SPEC_BYTES } from '../spec/load.js';
import { main, readBounded } from './main.js';

function write(fd: number, text: string): void {
  // Synchronous writes: output is complete before the exit code is set, even when piped.
  const buf = Buffer.from(text);
  let off = 0;
  while (off < buf.length) {
    try {
      off += writeSync(fd, buf, off);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EPIPE') return;
      throw error;
    }
  }
}

export function runCli(argv: readonly string[] = process.argv.slice(2)): void {
  process.exitCode = main(argv, {
    stdout: (t) => write(1, t),
    stderr: (t) => write(2, t),
    // One byte past the limit is enough to refuse an oversized spec without reading all of it.
    readStdin: () => readBounded(0, MAX_SPEC_BYTES + 1).bytes,
  });
}
