/** Process entry point: wires `main` to the real stdio and exit code (lib/wi-gen-cli.cjs calls `runCli`). */
import { writeSync } from 'node:fs';
import { main } from './main.js';
import { readBounded } from './safe-read.js';
import { invocation } from './invocation.js';

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
    // Each caller names its limit (a spec: 1 MiB; a ResourceList: far more); over it is refused, never cut.
    readStdin: (limit) => readBounded(0, limit),
    command: invocation({ script: process.argv[1], env: process.env, cwd: process.cwd() }),
  });
}
