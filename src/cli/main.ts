/**
 * The `wi-gen` command line. Every failure is one or more lines on stderr and an exit code:
 * 0 ok, 1 check found drift, 2 bad input or usage, 3 internal error (a bug: please report).
 */
import { readNamedInput } from './safe-read.js';
import { dirname, join } from 'node:path';
import { loadSpec, formatProblem, printable, tooLarge, MAX_SPEC_BYTES, type Problem } from '../spec/load.js';
import { render, renderStream, renderTree, streamLeavesOut, type Rendered } from '../render.js';
import type { TreeFile } from '../format/tree.js';
import type { Model } from '../model/model.js';
import { UsageError } from './errors.js';
import { parseArgs } from './args.js';
import { acquireLock, canonicalDir, writeTree, writeTreeInParallel, type WriteResult } from './writer.js';
import { diffTree } from './check.js';
import { VERSION } from './version.js';
import { runInit } from './init.js';
import { specJsonSchema } from './schema.js';
import { runFunction } from './krm.js';
import { runPlugin } from './plugin.js';
import { runDoctor } from './doctor.js';
import { readGrantRecord } from './grant-record-file.js';
import { streamNote } from './stream-note.js';
import { MAX_RESOURCE_LIST_BYTES, type Io } from './io.js';

const EXIT = { ok: 0, drift: 1, usage: 2, internal: 3 } as const;


const HELP = `wi-gen ${VERSION}: one spec to keyless cloud access from Kubernetes.

Usage:
  wi-gen SPEC                  print the Kubernetes objects wi-gen owns as one YAML stream
  wi-gen SPEC -o DIR           write the whole tree (manifests, Helm values, kustomize
                               Components, cloud scripts, Terraform, README) to DIR
  wi-gen check SPEC... [-o DIR]
                               exit 1 with a unified diff when DIR (default: out/ beside
                               each spec) is not what the spec renders
  wi-gen render SPEC... [-o DIR] [--exit-code]
                               write each spec's tree (default: out/ beside each spec);
                               --exit-code: exit 1 when a tree changed (pre-commit hook)
  wi-gen init --method NAME [-o FILE] [--force]
                               start a spec from a template (default FILE: spec.yaml;
                               - for standard output); wi-gen init --list lists them
  wi-gen schema                print the spec's JSON Schema (for editors)
  wi-gen fn                    KRM function: ResourceList on stdin (the spec as its
                               functionConfig), ResourceList on stdout (kpt, kustomize)
  wi-gen plugin CONFIG         legacy kustomize exec plugin: objects of the generator
                               config CONFIG as a YAML stream (kubectl kustomize)
  wi-gen doctor SPEC [DUMP...] check a live binding against dumps of the cluster and the
                               cloud, and print the fix of each broken link
                               (wi-gen doctor --help)

Options:
  -o, --output DIR   output directory
  --force            overwrite files in DIR that wi-gen did not write
  --pruned           cloud/prune.sh has run: forget the grants it removed
  -q, --quiet        no warnings on stderr
  -h, --help         this help
  -v, --version      print the version

SPEC may be - for standard input. Exit codes: 0 ok, 1 check found drift,
2 bad input or usage, 3 internal error.
`;

const FLAGS = {
  output: { alias: 'o', value: true },
  force: { value: false },
  pruned: { value: false },
  'exit-code': { value: false },
  quiet: { alias: 'q', value: false },
  help: { alias: 'h', value: false },
  version: { alias: 'v', value: false },
} as const;

class SpecProblems extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super('invalid spec');
  }
}


function readSpec(path: string, io: Io): Buffer {
  if (path === '-') {
    const { bytes, truncated } = io.readStdin(MAX_SPEC_BYTES);
    if (truncated) throw new SpecProblems([tooLarge('stdin')]);
    return bytes;
  }
  const { bytes, truncated, size } = readNamedInput(path, MAX_SPEC_BYTES, 'a spec file');
  if (truncated) throw new SpecProblems([tooLarge(path, size)]);
  return bytes;
}

interface LoadedSpec {
  readonly model: Model;
  readonly warnings: readonly string[];
}

/** Load one spec; warnings go to stderr unless quiet; problems throw SpecProblems. */
function loadForRender(path: string, io: Io, quiet: boolean): LoadedSpec {
  const loaded = loadSpec(readSpec(path, io), { file: path === '-' ? 'stdin' : path });
  if (!loaded.ok) throw new SpecProblems(loaded.problems);
  if (!quiet) for (const w of loaded.warnings) io.stderr(`${formatProblem(w)}\n`);
  return { model: loaded.model, warnings: loaded.warnings.map((w) => w.message) };
}

/**
 * Render a loaded spec. With `out`, the tree it will replace lends its grant record, so grants
 * of dropped bindings reach cloud/prune.sh: call it under the writers' lock.
 */
function renderLoaded(spec: LoadedSpec, out?: { dir: string; pruned: boolean }): Rendered {
  return render(spec.model, spec.warnings, lifecycleOf(out));
}

/** The files of `renderLoaded(spec, out).files` one at a time, unsorted, for the writer to take as they are made. */
function renderLoadedTree(spec: LoadedSpec, out: { dir: string; pruned: boolean }): Iterable<TreeFile> {
  return renderTree(spec.model, spec.warnings, lifecycleOf(out));
}

function lifecycleOf(out?: { dir: string; pruned: boolean }) {
  return out ? { previous: readGrantRecord(out.dir), pruned: out.pruned } : undefined;
}


function defaultOutput(spec: string): string {
  return join(dirname(spec), 'out');
}

function outputsFor(specs: readonly string[], output: string | undefined): string[] {
  if (specs.length === 0) throw new UsageError('no spec given (see wi-gen --help)');
  if (output !== undefined && specs.length > 1) throw new UsageError('-o takes one spec; with several specs each is written to out/ beside it');
  if (specs.includes('-') && output === undefined) throw new UsageError('a spec from standard input needs -o DIR');
  const outputs = specs.map((s) => output ?? defaultOutput(s));
  // Two specs in one directory share out/: the second would silently replace the first's tree.
  const byDir = new Map<string, string>();
  outputs.forEach((out, i) => {
    const key = canonicalDir(out);
    const other = byDir.get(key);
    if (other !== undefined) throw new UsageError(`${other} and ${specs[i]} would both write ${out}; give each spec its own directory`);
    byDir.set(key, specs[i] as string);
  });
  return outputs;
}

function runRender(specs: readonly string[], flags: Record<string, string | true>, io: Io): number | Promise<number> {
  const outputs = outputsFor(specs, flags.output as string | undefined);
  // Load everything first: one bad spec writes nothing at all.
  const loaded = specs.map((s) => loadForRender(s, io, flags.quiet === true));
  let changed = 0;
  /** The write of spec i: its directory, its files (made under the lock), its options, and what it reports. */
  const job = (i: number) => {
    const out = outputs[i] as string;
    let drift: ReturnType<typeof diffTree> = [];
    const files = () => {
      // Under the lock: the grant record read here is the one this write replaces.
      const target = { dir: out, pruned: flags.pruned === true };
      if (flags['exit-code'] !== true) return renderLoadedTree(loaded[i] as LoadedSpec, target);
      // Untracked new files escape pre-commit's "files were modified" check: --exit-code reports
      // them too, comparing the whole tree with DIR before it is written.
      const list = renderLoaded(loaded[i] as LoadedSpec, target).files;
      drift = diffTree(out, list);
      return list;
    };
    const report = (result: WriteResult) => {
      if (result.leftIn) io.stderr(`wi-gen: files created in ${out} while it was being written are kept in ${result.leftIn}\n`);
      if (drift.length === 0) return;
      changed++;
      io.stderr(`${out}: rewrote ${drift.length} file(s) from ${specs[i]}: ${drift.map((d) => d.path).join(', ')}\n`);
    };
    return { out, files, options: { force: flags.force === true, specPath: specs[i] as string }, report };
  };
  const exitCode = () => (changed > 0 ? EXIT.drift : EXIT.ok);
  if (io.parallelSync !== true) {
    specs.forEach((_, i) => {
      const { out, files, options, report } = job(i);
      report(writeTree(out, files, options));
    });
    return exitCode();
  }
  return (async () => {
    for (let i = 0; i < specs.length; i++) {
      const { out, files, options, report } = job(i);
      report(await writeTreeInParallel(out, files, options));
    }
    return exitCode();
  })();
}

function runCheck(specs: readonly string[], flags: Record<string, string | true>, io: Io): number {
  const outputs = outputsFor(specs, flags.output as string | undefined);
  let stale = 0;
  specs.forEach((spec, i) => {
    const out = outputs[i] as string;
    const loaded = loadForRender(spec, io, flags.quiet === true);
    const drift = underLock(out, () => diffTree(out, renderLoaded(loaded, { dir: out, pruned: flags.pruned === true }).files));
    if (drift.length === 0) return;
    stale++;
    io.stdout(drift.map((d) => d.diff).join(''));
    io.stderr(`${out}: ${drift.length} file(s) differ from ${spec}; run: wi-gen ${spec === '-' ? '-' : spec} -o ${out}\n`);
  });
  return stale > 0 ? EXIT.drift : EXIT.ok;
}

/** Reads DIR under the writers' lock, so a check never sees a tree mid-swap; without it where the lock cannot be made. */
function underLock<T>(dir: string, read: () => T): T {
  let release: (() => void) | undefined;
  try {
    release = acquireLock(canonicalDir(dir));
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  try {
    return read();
  } finally {
    release?.();
  }
}

/**
 * An operating-system error (disk full, read-only or unwritable directory, a file it cannot
 * read, `-o /proc`) is the user's environment, not a bug in wi-gen: described as the path and the
 * OS reason, exit 2. The writer has left the previous tree as it was.
 */
function environmentError(error: unknown): string | undefined {
  const e = error as NodeJS.ErrnoException;
  if (!(error instanceof Error) || typeof e.code !== 'string' || typeof e.syscall !== 'string' || !/^E[A-Z0-9]+$/.test(e.code)) return undefined;
  // Node's message is "CODE: reason, syscall 'path'": the reason alone reads best.
  const reason = /^[A-Z0-9]+: ([^,]+)/.exec(e.message)?.[1] ?? e.code;
  const where = e.path ? `${e.path}: ` : '';
  return `${where}cannot ${e.syscall}: ${reason} (${e.code}); nothing was changed`;
}

/**
 * Runs one command. The exit code comes back as it is, or, with `io.parallelSync`, as a promise for
 * the commands that write a tree; a failure is reported on stderr either way, never thrown.
 */
export function main(argv: readonly string[], io: Io & { readonly parallelSync: true }): number | Promise<number>;
export function main(argv: readonly string[], io: Io): number;
export function main(argv: readonly string[], io: Io): number | Promise<number> {
  try {
    const code = dispatch(argv, io);
    return typeof code === 'number' ? code : code.catch((error: unknown) => failure(error, io));
  } catch (error) {
    return failure(error, io);
  }
}

function dispatch(argv: readonly string[], io: Io): number | Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'init') return runInit(rest, io);
  if (first === 'schema') {
    if (rest.length > 0) throw new UsageError('schema takes no arguments');
    io.stdout(specJsonSchema());
    return EXIT.ok;
  }
  if (first === 'fn') {
    if (rest.length > 0) throw new UsageError('fn takes no arguments: it reads a ResourceList on standard input');
    const input = io.readStdin(MAX_RESOURCE_LIST_BYTES);
    if (input.truncated) {
      throw new UsageError(`fn: the ResourceList on standard input is more than ${MAX_RESOURCE_LIST_BYTES} bytes (${MAX_RESOURCE_LIST_BYTES / 1024 / 1024} MiB), the limit; nothing was changed`);
    }
    try {
      return runFunction(input.bytes.toString('utf8'), io, process.cwd());
    } catch (error) {
      // The yaml library's alias bound: hostile input, not a bug.
      if (error instanceof ReferenceError && /alias count/i.test(error.message)) {
        throw new UsageError('fn: the ResourceList expands too many YAML aliases (an alias bomb?); nothing was changed');
      }
      throw error;
    }
  }
  // kustomize always gives the plugin a stdin (empty for a generator); a terminal means a person ran it.
  if (first === 'plugin') return runPlugin(rest, process.stdin.isTTY ? { ...io, readStdin: () => ({ bytes: Buffer.alloc(0), truncated: false }) } : io, process.env, process.cwd());
  if (first === 'doctor') {
    return runDoctor(rest, { ...io, isTTY: process.stdout.isTTY === true }, (spec) => {
      const loaded = loadSpec(readSpec(spec, io), { file: spec === '-' ? 'stdin' : spec });
      if (!loaded.ok) throw new SpecProblems(loaded.problems);
      return { model: loaded.model, rendered: render(loaded.model) };
    });
  }
  const command = first === 'check' || first === 'render' ? first : undefined;
  const { positionals, flags } = parseArgs(command ? rest : argv, FLAGS);
  if (flags.help) {
    io.stdout(HELP);
    return EXIT.ok;
  }
  if (flags.version) {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  if (command === 'check') return runCheck(positionals, flags, io);
  if (command === 'render') return runRender(positionals, flags, io);
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'no spec given (see wi-gen --help)' : `one spec at a time; use wi-gen render ${positionals.join(' ')} for several`);
  }
  const spec = positionals[0] as string;
  if (flags.output !== undefined) return runRender([spec], flags, io);
  const loaded = loadForRender(spec, io, flags.quiet === true);
  io.stdout(renderStream(loaded.model).stream);
  const note = flags.quiet === true ? undefined : streamNote(spec, streamLeavesOut(loaded.model), io.command);
  if (note) io.stderr(`${note}\n`);
  return EXIT.ok;
}

/** The lines and exit code of a command that failed. */
function failure(error: unknown, io: Io): number {
  if (error instanceof SpecProblems) {
    for (const p of error.problems) io.stderr(`${formatProblem(p)}\n`);
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    // Paths in messages come from the command line and the tree: one line, no terminal control.
    io.stderr(`wi-gen: ${printable(error.message)}\n`);
    return EXIT.usage;
  }
  const environment = environmentError(error);
  if (environment !== undefined) {
    io.stderr(`wi-gen: ${printable(environment)}\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`wi-gen: internal error: ${message}\nThis is a bug in wi-gen ${VERSION}; please report it with the spec that caused it.\n`);
  return EXIT.internal;
}
