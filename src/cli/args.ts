/** A small argv parser: enough for wi-gen's flags, with errors that name the bad flag. */
import { UsageError } from './errors.js';

interface FlagSpec {
  readonly [name: string]: { readonly alias?: string; readonly value: boolean };
}

interface ParsedArgs {
  readonly positionals: string[];
  readonly flags: Record<string, string | true>;
}

export function parseArgs(argv: readonly string[], spec: FlagSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags: Record<string, string | true> = {};
  const byAlias = new Map(Object.entries(spec).flatMap(([name, s]) => (s.alias ? [[s.alias, name] as const] : [])));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const [rawName, inline] = arg.startsWith('--') ? [arg.slice(2).split('=')[0] as string, arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : undefined] : [arg.slice(1), undefined];
      const name = arg.startsWith('--') ? rawName : byAlias.get(rawName);
      const def = name ? spec[name] : undefined;
      if (!name || !def) throw new UsageError(`unknown option ${arg} (see wi-gen --help)`);
      if (def.value) {
        const value = inline ?? argv[++i];
        if (value === undefined || value === '') throw new UsageError(`${arg} needs a value`);
        flags[name] = value;
      } else {
        if (inline !== undefined) throw new UsageError(`${arg} takes no value`);
        flags[name] = true;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { positionals, flags };
}
