/**
 * The cloud half of every binding: ordered shell scripts (`cloud/*.sh`), Terraform
 * (`cloud/terraform/*.tf`) and controller objects (Config Connector, ASO) under `cloud/`.
 */
import type { Model } from '../model/model.js';
import { CLOUD_SCRIPTS, type CloudPlan, type MethodContext, type ScriptSection, type TerraformFile, type TerraformProvider } from '../model/method.js';
import { attr, block, comment, renderHclParts, type HclBlock } from '../format/hcl.js';
import { ADOPTION_FILE, adoption, importBlocks, type Adoption } from './terraform-imports.js';
import { generatedHeader, lineParts, withHeader, type TreeFile } from '../format/tree.js';
import { yamlStreamParts } from '../format/yaml.js';

/** A script section with its file decided: the method's cloud script unless it named another. */
type PlacedSection = ScriptSection & { readonly file: string };

/** Each identity's plan, its script sections placed in files by the method's `cloud`. */
export function cloudPlans(model: Model): CloudPlan[] {
  const ctx: MethodContext = { model };
  return model.identities.map((identity) => {
    const plan = identity.method.cloudPlan(identity, ctx);
    const home = CLOUD_SCRIPTS[identity.method.cloud];
    if (!plan.scripts) return plan;
    const scripts = plan.scripts.map((s): PlacedSection => {
      const file = s.file ?? home.file;
      const purpose = s.purpose ?? (file === home.file ? home.purpose : undefined);
      return { ...s, file, ...(purpose ? { purpose } : {}) };
    });
    return { ...plan, scripts };
  });
}

/** Adds `items` to the list of `key`, made on first use: in place, not a copy per call (a file gathers one part per binding). */
function appendTo<T>(lists: Map<string, T[]>, key: string, items: readonly T[]): void {
  const list = lists.get(key);
  if (list) list.push(...items);
  else lists.set(key, [...items]);
}

export function scriptFiles(model: Model, plans: readonly CloudPlan[]): TreeFile[] {
  const byFile = new Map<string, ScriptSection[]>();
  for (const plan of plans) {
    for (const section of plan.scripts ?? []) {
      if (section.lines.length === 0) continue;
      const file = section.file;
      if (!file) throw new Error(`script section "${section.title}" was not placed in a file by cloudPlans()`);
      appendTo(byFile, file, [section]);
    }
  }
  return [...byFile.entries()].map(([file, sections]) => {
    const helpers = [...new Set(sections.flatMap((s) => s.helpers ?? []))];
    const preambles = [...new Set(sections.flatMap((s) => (s.preamble?.length ? [s.preamble.join('\n')] : [])))];
    const purpose = sections.find((s) => s.purpose)?.purpose ?? 'Cloud side of the bindings.';
    const head =
      '#!/usr/bin/env bash\n' +
      generatedHeader(model.specName, 'hash') +
      `# ${purpose}\n# Idempotent where the CLI allows: safe to re-run.\n` +
      'set -euo pipefail\n\n' +
      helpers.map((h) => `${h.endsWith('\n') ? h.slice(0, -1) : h}\n\n`).join('');
    return { path: `cloud/${file}`, executable: true, parts: withHeader(head, scriptBody(preambles, sections)) };
  });
}

/** The preambles, then each section under its title, a blank line between: made as it is read. */
function* scriptBody(preambles: readonly string[], sections: readonly ScriptSection[]): Generator<string> {
  let first = true;
  const between = () => (first ? ((first = false), '') : '\n');
  for (const p of preambles) yield `${between()}${p}\n`;
  for (const s of sections) {
    yield `${between()}# --- ${s.title}\n`;
    yield* lineParts(s.lines);
  }
}

/**
 * The plans' Terraform as one module: its files, one configuration per provider, and what adopting
 * objects that already exist takes. Made once, for the module's files and the README's section.
 */
export interface TerraformModule {
  readonly files: readonly TerraformFile[];
  readonly providers: ReadonlyMap<string, TerraformProvider>;
  readonly adoption: Adoption;
}

export function terraformModule(plans: readonly CloudPlan[]): TerraformModule {
  const files = plans.flatMap((p) => p.terraform ?? []).filter((f) => f.blocks.length > 0);
  const providers = mergedProviders(files);
  return { files, providers, adoption: adoption(files, providers) };
}

export function terraformFiles(model: Model, { files, providers, adoption: { imports } }: TerraformModule): TreeFile[] {
  if (files.length === 0) return [];
  const header = comment(generatedHeader(model.specName, 'hash').slice('# '.length).trimEnd());
  const versions: HclBlock = block('terraform', [], [
    attr('required_version', `>= ${newestVersion(['1.3', ...files.flatMap((f) => (f.minimumTerraformVersion ? [f.minimumTerraformVersion] : []))])}`),
    block(
      'required_providers',
      [],
      [...providers.keys()].sort().map((name) => {
        const p = providers.get(name) as TerraformProvider;
        return attr(name, { source: p.source, version: p.version });
      }),
    ),
  ]);
  const providerBlocks = [...providers.keys()]
    .sort()
    .flatMap((name) => {
      const configuration = (providers.get(name) as TerraformProvider).configuration;
      return configuration ? [block('provider', [name], configuration)] : [];
    });
  const merged = new Map<string, HclBlock[]>();
  for (const f of files) appendTo(merged, f.file, f.blocks);
  // Opt-in: an import block whose object does not exist fails the plan, so a fresh cloud must not read them.
  const adopt = comment(
    [
      'Import blocks for the first apply after cloud/*.sh (or a hand) made these objects: copy this file to',
      'cloud/terraform/, plan, apply, then delete the copy. See "Adopting existing resources" in README.md.',
    ].join('\n'),
  );
  return [
    { path: 'cloud/terraform/versions.tf', parts: renderHclParts([header, versions, ...providerBlocks]) },
    ...[...merged.entries()].map(([file, blocks]) => ({ path: `cloud/terraform/${file}`, parts: renderHclParts([header, ...blocks]) })),
    ...(imports.length > 0 ? [{ path: ADOPTION_FILE, parts: renderHclParts([header, adopt, ...importBlocks(imports)]) }] : []),
  ];
}

/** One configuration per provider for the whole module, as versions.tf writes it: the last file's wins. */
function mergedProviders(files: readonly TerraformFile[]): Map<string, TerraformProvider> {
  const providers = new Map<string, TerraformProvider>();
  for (const f of files) for (const [name, p] of Object.entries(f.providers)) providers.set(name, p);
  return providers;
}

/** The highest of `MAJOR.MINOR[.PATCH]` versions, compared numerically. */
function newestVersion(versions: readonly string[]): string {
  const parts = (v: string) => v.split('.').map(Number);
  return [...versions].sort((a, b) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return 0;
  })[0] as string;
}

export function cloudObjectFiles(model: Model, plans: readonly CloudPlan[]): TreeFile[] {
  const byFile = new Map<string, Record<string, unknown>[]>();
  for (const plan of plans) for (const o of plan.objects ?? []) appendTo(byFile, o.file, o.objects);
  return [...byFile.entries()]
    .filter(([, objects]) => objects.length > 0)
    .map(([file, objects]) => ({ path: `cloud/${file}`, parts: withHeader(generatedHeader(model.specName, 'hash'), yamlStreamParts(objects)) }));
}
