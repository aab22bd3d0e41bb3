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

/**
 * Runs the command of this process and sets its exit code. A command that writes a tree syncs its
 * files on the thread pool: the promise says when it is done (the loader ends the process then).
 */
export function runCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> | undefined {
  const code = main(argv, {
    stdout: (t) => write(1, t),
    stderr: (t) => write(2, t),
    // Each caller names its limit (a spec: 1 MiB; a ResourceList: far more); over it is refused, never cut.
    readStdin: (limit) => readBounded(0, limit),
    command: invocation({ script: process.argv[1], env: process.env, cwd: process.cwd() }),
    parallelSync: true,
  });
  if (typeof code === 'number') {
    process.exitCode = code;
    return undefined;
  }
  return code.then((c) => {
    process.exitCode = c;
  });
}
