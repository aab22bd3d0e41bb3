// A scanner for credential-shaped text in generated output. wi-gen is secretless by design: no
// spec field holds a secret, so no generated file may contain anything that looks like one.
//
//   scanForSecrets(text)            → [] when clean, else one finding per match ("what: excerpt")
//   scanTree(files)                 → findings prefixed with the file path
//
// Independent of src/ on purpose: it checks the output, not the validation that should prevent it.
import { parseAllDocuments } from 'yaml';

interface Rule {
  readonly name: string;
  readonly pattern: RegExp;
}

const RULES: readonly Rule[] = [
  { name: 'PEM private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/g },
  { name: 'PEM block', pattern: /-----BEGIN [A-Z0-9 ]+-----[\s\S]*?-----END [A-Z0-9 ]+-----/g },
  // A service-account key file: JSON with these keys (any quoting, as YAML may re-quote them).
  { name: 'GCP service-account key', pattern: /["']?private_key(?:_id)?["']?\s*:\s*["']?[-A-Za-z0-9+/=\\]{16,}/g },
  { name: 'GCP service-account key', pattern: /["']?type["']?\s*:\s*["']?service_account["']?/g },
  // AWS access key IDs (long-term AKIA, temporary ASIA, and the rarer prefixes).
  { name: 'AWS access key ID', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|ANPA|ANVA|APKA)[A-Z2-7]{16}\b/g },
  { name: 'AWS secret access key', pattern: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?[A-Za-z0-9/+=]{40}/gi },
  // Entra ID client secrets since 2021: three characters, a digit, 'Q~', then 31 to 34 more.
  { name: 'Azure client secret', pattern: /(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/g },
  { name: 'Azure storage/account key', pattern: /AccountKey=[A-Za-z0-9+/=]{40,}/g },
  { name: 'private key assignment', pattern: /\b(?:client_?secret|password|passwd|secret_?key)["']?\s*[:=]\s*["']?(?!\$|<|\*|@|["'\s,}]|$)[^\s"',}]{8,}/gim },
  // A long base64 run with mixed case and digits: a key or a token, not a name or a path.
  { name: 'long base64 blob', pattern: /(?<![A-Za-z0-9+/=_.-])(?=[A-Za-z0-9+/]*[a-z])(?=[A-Za-z0-9+/]*[A-Z])(?=[A-Za-z0-9+/]*[0-9])[A-Za-z0-9+/]{100,}={0,2}(?![A-Za-z0-9+/=_.-])/g },
];

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

/** Secret-shaped values in `data`/`stringData` of Kubernetes Secrets found in YAML text. */
function secretData(text: string): string[] {
  if (!/\bkind:\s*["']?Secret\b/.test(text)) return [];
  const findings: string[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch {
    return [];
  }
  for (const doc of Array.isArray(docs) ? docs : []) {
    let obj: unknown;
    try {
      obj = doc.toJS();
    } catch {
      continue;
    }
    if (!obj || typeof obj !== 'object' || (obj as { kind?: unknown }).kind !== 'Secret') continue;
    for (const field of ['data', 'stringData'] as const) {
      const data = (obj as Record<string, unknown>)[field];
      if (!data || typeof data !== 'object') continue;
      for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
        // A generated Secret may at most be an empty placeholder that a controller fills.
        if (typeof value === 'string' && value.length > 0) findings.push(`Secret ${field}.${key}: ${excerpt(value)}`);
      }
    }
  }
  return findings;
}

/** Everything in `text` that looks like a credential; empty when clean. */
export function scanForSecrets(text: string): string[] {
  const findings: string[] = [];
  for (const rule of RULES) {
    for (const m of text.matchAll(rule.pattern)) findings.push(`${rule.name}: ${excerpt(m[0])}`);
  }
  findings.push(...secretData(text));
  return [...new Set(findings)];
}

/** Findings for a whole tree, each prefixed with its file. */
export function scanTree(files: Iterable<readonly [string, string]> | readonly { path: string; content: string }[]): string[] {
  const entries: [string, string][] = [];
  for (const f of files as Iterable<unknown>) {
    if (Array.isArray(f)) entries.push([f[0] as string, f[1] as string]);
    else entries.push([(f as { path: string }).path, (f as { content: string }).content]);
  }
  return entries.flatMap(([path, text]) => scanForSecrets(text).map((s) => `${path}: ${s}`));
}
