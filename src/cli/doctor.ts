/**
 * `wi-gen doctor SPEC [DUMP…]`: reads dumps (files or - for stdin), error texts and, with
 * --live, the answers of read-only CLI calls, then prints the chain of every binding.
 * Exit 0 every checked link holds, 1 a link is broken (or a pasted error was diagnosed), 2 bad input.
 */
import { spawnSync } from 'node:child_process';
import type { Rendered } from '../render.js';
import type { Model } from '../model/model.js';
import { UsageError } from './errors.js';
import { readNamedInput } from './safe-read.js';
import { emptyFacts, type Facts } from '../doctor/facts.js';
import { DumpError, KNOWN_DUMPS, addDump, parseDump, splitLabel } from '../doctor/dumps.js';
import { diagnose } from '../doctor/doctor.js';
import { reportJson, reportText } from '../doctor/report.js';
import { liveCommands } from '../doctor/live.js';
import type { Io } from './io.js';

interface DoctorIo extends Io {
  readonly isTTY?: boolean;
}

/** A dump is a cluster-wide `kubectl get -A -o json`: tens of MB on a big cluster, never GBs. */
const MAX_DUMP_BYTES = 256 * 1024 * 1024;

const DOCTOR_HELP = `Usage: wi-gen doctor SPEC [DUMP…] [--error TEXT]… [--error-file FILE]… [--output text|json] [--live]

Checks every link of every binding of SPEC against dumps of the cluster and the cloud, and prints
the fix of each broken link. DUMP is a file (or - for standard input) holding the JSON or YAML
that one of these printed:
  ${KNOWN_DUMPS.join('\n  ')}
--error TEXT / --error-file FILE  an error message to explain (AADSTS70021, AuthorizationFailed,
                                  No ClientID found, …svc.id.goog, getAccessToken 403, AssumeRoleWithWebIdentity)
--output json                     machine-readable report (schema/doctor-report.schema.json)
--live                            also run the read-only kubectl/gcloud/az/aws commands that are
                                  installed and logged in, printing each first; never a write
Exit: 0 every checked link holds, 1 a link is broken or an error text was diagnosed, 2 bad input.
`;

interface DoctorArgs {
  spec?: string;
  dumps: string[];
  errors: string[];
  errorFiles: string[];
  output: 'text' | 'json';
  live: boolean;
  help: boolean;
}

function parseDoctorArgs(argv: readonly string[]): DoctorArgs {
  const args: DoctorArgs = { dumps: [], errors: [], errorFiles: [], output: 'text', live: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (name: string): string => {
      const eq = arg.indexOf('=');
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (arg === '-h' || arg === '--help') args.help = true;
    else if (arg === '--live') args.live = true;
    else if (arg === '--error' || arg.startsWith('--error=')) args.errors.push(value('--error'));
    else if (arg === '--error-file' || arg.startsWith('--error-file=')) args.errorFiles.push(value('--error-file'));
    else if (arg === '--output' || arg === '-o' || arg.startsWith('--output=')) {
      const v = value('--output');
      if (v !== 'text' && v !== 'json') throw new UsageError(`--output takes text or json, not ${v}`);
      args.output = v;
    } else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg} (see wi-gen doctor --help)`);
    else if (args.spec === undefined) args.spec = arg;
    else args.dumps.push(arg);
  }
  return args;
}

/** Reads a dump or error file, or stdin once, up to the limit; more is a usage error naming the path. */
function readInput(path: string, io: DoctorIo, stdinUsed: { used: boolean }): string {
  if (path === '-') {
    if (stdinUsed.used) throw new UsageError('standard input (-) can be read once');
    stdinUsed.used = true;
  }
  const { bytes, truncated } = path === '-' ? io.readStdin(MAX_DUMP_BYTES) : readNamedInput(path, MAX_DUMP_BYTES, 'a dump');
  if (truncated) throw new UsageError(`${path === '-' ? 'standard input' : path}: more than ${MAX_DUMP_BYTES} bytes; dump fewer objects`);
  return bytes.toString('utf8');
}

export function runDoctor(
  argv: readonly string[],
  io: DoctorIo,
  load: (spec: string) => { model: Model; rendered: Rendered },
): number {
  const args = parseDoctorArgs(argv);
  if (args.help) {
    io.stdout(DOCTOR_HELP);
    return 0;
  }
  if (args.spec === undefined) throw new UsageError('doctor needs a spec (see wi-gen doctor --help)');
  const stdin = { used: args.spec === '-' };
  const { model, rendered } = load(args.spec);
  const facts: Facts = emptyFacts();
  try {
    for (const arg of args.dumps) {
      const { label, path } = splitLabel(arg);
      const source = path === '-' ? 'stdin' : path;
      addDump(facts, parseDump(readInput(path, io, stdin), source), source, label);
    }
    if (args.live) {
      for (const cmd of liveCommands(model)) {
        io.stderr(`$ ${cmd.display}\n`);
        const r = spawnSync(cmd.argv[0] as string, cmd.argv.slice(1), { encoding: 'utf8', maxBuffer: MAX_DUMP_BYTES, timeout: 60_000 });
        if (r.error || r.status !== 0) {
          io.stderr(`  skipped: ${r.error ? (r.error as NodeJS.ErrnoException).code : (r.stderr ?? '').trim().split('\n')[0]}\n`);
          continue;
        }
        addDump(facts, parseDump(r.stdout, cmd.display), cmd.display, cmd.label);
      }
    }
  } catch (error) {
    if (error instanceof DumpError) throw new UsageError(error.message);
    throw error;
  }
  const errorTexts = [...args.errors, ...args.errorFiles.map((f) => readInput(f, io, stdin))];
  const report = diagnose(model, rendered, facts, errorTexts);
  io.stdout(args.output === 'json' ? reportJson(report) : reportText(report, io.isTTY === true));
  const diagnosed = report.errors.some((e) => e.error !== 'unrecognised');
  return report.summary.broken > 0 || diagnosed ? 1 : 0;
}
