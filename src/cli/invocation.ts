/**
 * How a message tells the user to run wi-gen again: by the name they can type. A new user's
 * clone runs `./bin/wi-gen.cjs`, where a bare `wi-gen` is "command not found".
 */
import { basename, delimiter, dirname, isAbsolute, relative, resolve } from 'node:path';
import { shellQuote } from '../format/shell.js';

interface Invoked {
  /** The script Node ran (`process.argv[1]`, symlinks kept: an npm bin is a link). */
  readonly script: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/**
 * `npx wi-gen` under npx (npm exec sets npm_command=exec, and the bin is on PATH only for that
 * run); the bin's own name when its directory is on PATH; else the path it was run by, relative
 * to the working directory when it lies below it.
 */
export function invocation({ script, env, cwd }: Invoked): string {
  if (!script) return 'wi-gen';
  if (env['npm_command'] === 'exec') return 'npx wi-gen';
  const dir = dirname(script);
  const onPath = (env['PATH'] ?? '').split(delimiter).some((p) => p !== '' && resolve(cwd, p) === dir);
  if (onPath) return shellQuote(basename(script));
  const rel = relative(cwd, script);
  const shown = rel === '' || rel.startsWith('..') || isAbsolute(rel) ? script : `./${rel}`;
  return shellQuote(shown);
}
