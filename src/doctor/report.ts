/**
 * The doctor's two renderings: a tree per chain for people (colour only on a terminal), and a
 * stable JSON document for machines (`schema/doctor-report.schema.json`).
 */
import type { DoctorReport } from './doctor.js';
import type { Verdict } from './link.js';

const REPORT_API_VERSION = 'wi-gen.dev/v1alpha1';
const REPORT_KIND = 'DoctorReport';

const MARK: Record<Verdict, string> = { ok: 'ok', broken: 'BROKEN', unchecked: '--' };
const COLOUR: Record<Verdict, string> = { ok: '\x1b[32m', broken: '\x1b[31m', unchecked: '\x1b[2m' };

export function reportText(report: DoctorReport, colour: boolean): string {
  const paint = (v: Verdict, text: string) => (colour ? `${COLOUR[v]}${text}\x1b[0m` : text);
  const out: string[] = [`wi-gen doctor: ${report.spec}`];
  for (const chain of report.chains) {
    out.push('', `${chain.subject}${chain.identity && !chain.subject.startsWith('identity ') ? ` (identity ${chain.identity}, ${chain.method})` : chain.method ? ` (${chain.method})` : ''}`);
    for (const link of chain.links) {
      out.push(`  ${paint(link.verdict, MARK[link.verdict].padEnd(6))} ${link.title}`);
      if (link.detail && link.verdict !== 'ok') out.push(`         ${link.detail}`);
      if (link.fix) out.push(`         fix: ${link.fix}`);
    }
  }
  for (const e of report.errors) {
    out.push('', `error text: ${e.error}`, `  cause: ${e.cause}`, `  fix: ${e.fix}`);
  }
  const s = report.summary;
  out.push('', `${s.ok} ok, ${s.broken} broken, ${s.unchecked} not checked${s.unchecked > 0 ? ' (pass the dumps named above to check them)' : ''}`);
  return `${out.join('\n')}\n`;
}

export function reportJson(report: DoctorReport): string {
  return `${JSON.stringify({ apiVersion: REPORT_API_VERSION, kind: REPORT_KIND, ...report }, null, 2)}\n`;
}
