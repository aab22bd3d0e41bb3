/**
 * One link of a binding's chain and its verdict. A chain is the order a request travels:
 * ServiceAccount → workload → running pods → cluster feature → cloud trust → cloud role, so the
 * first broken link is the one to fix first.
 */

export type Verdict = 'ok' | 'broken' | 'unchecked';

export interface Link {
  /** Stable identifier for machines (`--output json`), e.g. `serviceaccount`, `gcp.workload-identity-user`. */
  readonly id: string;
  /** What must hold, for people. */
  readonly title: string;
  readonly verdict: Verdict;
  /** What the dumps show (broken), or which dump would tell (unchecked). */
  readonly detail?: string;
  /** The one command or spec change that repairs a broken link. */
  readonly fix?: string;
}

export const ok = (id: string, title: string, detail?: string): Link => ({ id, title, verdict: 'ok', ...(detail ? { detail } : {}) });
export const broken = (id: string, title: string, detail: string, fix: string): Link => ({ id, title, verdict: 'broken', detail, fix });
export const unchecked = (id: string, title: string, needs: string): Link => ({ id, title, verdict: 'unchecked', detail: `no dump shows it; give ${needs}` });
