/**
 * What a command reads and writes, so every subcommand (render, check, init, fn, plugin, doctor)
 * runs the same in a process (`run.ts` wires it to stdio) and in a test. Its own module, so the
 * subcommands and `main.ts` depend on it rather than on each other.
 */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input, at most `limit` bytes; `truncated` says there was more (the caller refuses it, never uses a prefix). */
  readonly readStdin: (limit: number) => { bytes: Buffer; truncated: boolean };
  /** How messages name the command for the next step (src/cli/invocation.ts). @default 'wi-gen' */
  readonly command?: string;
  /**
   * The caller can wait (run.ts, a process of its own): commands that write a tree sync its files
   * on the thread pool while it is being written, and main returns a promise of the exit code.
   * Without it main returns the code itself, and trees are synced in one pass at the end.
   * @default false
   */
  readonly parallelSync?: boolean;
}

/**
 * A KRM ResourceList carries the whole package, not one spec: kpt pipes every object of it.
 * Generous, but bounded so that \`cat /dev/zero | wi-gen fn\` ends; past it, exit 2, never a prefix.
 */
export const MAX_RESOURCE_LIST_BYTES = 256 * 1024 * 1024;
