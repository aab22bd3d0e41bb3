/**
 * Collects every problem in a spec before anything is rendered, so one run reports all of them
 * (an operator fixing a spec in CI should not have to iterate once per typo).
 */
export type SpecPath = ReadonlyArray<string | number>;

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly path: SpecPath;
  readonly message: string;
}

export class Diagnostics {
  private readonly items: Diagnostic[] = [];

  error(path: SpecPath, message: string): void {
    this.items.push({ severity: 'error', path, message });
  }

  warn(path: SpecPath, message: string): void {
    this.items.push({ severity: 'warning', path, message });
  }

  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** `identities[0].gke.project`: the path format used in every message. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out === '' ? '(root)' : out;
}
