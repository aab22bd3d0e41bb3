/**
 * `wi-gen init`: starts a spec from a template in templates/. Templates are discovered from the
 * directory (one file per method, its leading comment lines describe it), so adding one needs
 * no code. Their `<PLACEHOLDER>` tokens fail validation until filled (see spec/placeholders.ts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { PLACEHOLDER } from '../spec/placeholders.js';
import { parseArgs } from './args.js';
import { UsageError } from './errors.js';
import type { Io } from './io.js';
import { packageRoot } from './package-root.js';
import { SCHEMA_FILE } from './schema.js';

interface Template {
  readonly name: string;
  readonly path: string;
  /** The leading comment lines, without `# ` (the yaml-language-server line left out). */
  readonly description: readonly string[];
  readonly text: string;
}

const SCHEMA_LINE = /^# yaml-language-server: \$schema=.*$/m;

function templatesDir(): string {
  return join(packageRoot(), 'templates');
}

function readTemplate(path: string): Template {
  const text = readFileSync(path, 'utf8');
  const description: string[] = [];
  for (const line of text.split('\n')) {
    if (SCHEMA_LINE.test(line)) continue;
    if (!line.startsWith('#')) break;
    description.push(line.replace(/^# ?/, ''));
  }
  const name = path.slice(path.lastIndexOf(sep) + 1).replace(/\.yaml$/, '');
  return { name, path, description, text };
}

function listTemplates(dir = templatesDir()): Template[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => readTemplate(join(dir, f)))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The template with its schema line pointing at the installed schema, relative to where it is written. */
function instantiate(template: Template, outputDir: string): string {
  const schema = relative(resolve(outputDir), join(packageRoot(), ...SCHEMA_FILE.split('/'))).split(sep).join('/');
  const line = `# yaml-language-server: $schema=${schema}`;
  return SCHEMA_LINE.test(template.text) ? template.text.replace(SCHEMA_LINE, line) : `${line}\n${template.text}`;
}

const FLAGS = {
  method: { alias: 'm', value: true },
  output: { alias: 'o', value: true },
  force: { value: false },
  list: { value: false },
} as const;

export function runInit(argv: readonly string[], io: Io): number {
  const { positionals, flags } = parseArgs(argv, FLAGS);
  const templates = listTemplates();
  if (flags.list) {
    const width = Math.max(0, ...templates.map((t) => t.name.length));
    for (const t of templates) io.stdout(`${t.name.padEnd(width)}  ${t.description[0] ?? ''}\n`);
    return 0;
  }
  const method = (flags.method as string | undefined) ?? positionals[0];
  if (positionals.length > (flags.method ? 0 : 1)) throw new UsageError(`unexpected argument ${positionals[positionals.length - 1]} (see wi-gen --help)`);
  const names = templates.map((t) => t.name).join(', ');
  if (!method) throw new UsageError(`init needs --method NAME; one of: ${names} (wi-gen init --list describes them)`);
  const template = templates.find((t) => t.name === method);
  if (!template) throw new UsageError(`no template named ${method}; one of: ${names}`);

  const output = (flags.output as string | undefined) ?? 'spec.yaml';
  if (output === '-') {
    io.stdout(instantiate(template, '.'));
    return 0;
  }
  if (existsSync(output) && flags.force !== true) throw new UsageError(`${output} exists; pass --force to overwrite it`);
  const text = instantiate(template, dirname(output));
  try {
    mkdirSync(dirname(output), { recursive: true });
    writeFileSync(output, text, { flag: flags.force === true ? 'w' : 'wx' });
  } catch (error) {
    throw new UsageError(`cannot write ${output} (${(error as NodeJS.ErrnoException).code})`);
  }
  const tokens = [...new Set(text.replace(/^#.*$/gm, '').match(PLACEHOLDER) ?? [])];
  io.stderr(
    `wrote ${output} from template ${template.name}` +
      (tokens.length > 0 ? `; fill in ${tokens.join(', ')}, then run: wi-gen ${output} -o ${join(dirname(output), 'out')}\n` : '\n'),
  );
  return 0;
}
