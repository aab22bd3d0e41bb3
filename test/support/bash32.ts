// Constructs stock macOS bash (3.2, the last GPLv2 release Apple ships) rejects or misreads.
// Each entry names the bash version that introduced it (bash NEWS / CHANGES).
// Comment lines are skipped: a script may explain in prose why it avoids one.

export interface Bash4Construct {
  readonly name: string;
  readonly pattern: RegExp;
}

export const BASH4_CONSTRUCTS: readonly Bash4Construct[] = [
  // bash 4.0: case modification `${v,,}` `${v,}` `${v^^}` `${v^}` ("bad substitution" in 3.2)
  { name: 'case-modifying expansion ${v,,} / ${v^^} (bash 4.0)', pattern: /\$\{[#!]?[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?(?:,|\^)/ },
  // bash 4.0: associative arrays
  { name: 'associative array declare -A (bash 4.0)', pattern: /\b(?:declare|typeset|local)\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*A/ },
  // bash 4.0: mapfile and its alias readarray
  { name: 'mapfile / readarray (bash 4.0)', pattern: /(?:^|[\s;|&(`])(?:mapfile|readarray)\b/ },
  // bash 4.0: `&>>` append both streams
  { name: 'append redirection &>> (bash 4.0)', pattern: /&>>/ },
  // bash 4.0: `|&` pipes stderr too; coprocesses
  { name: 'pipe of both streams |& (bash 4.0)', pattern: /\|&/ },
  { name: 'coproc (bash 4.0)', pattern: /(?:^|[\s;])coproc\b/ },
  // bash 4.0: case fall-through terminators `;&` and `;;&`
  { name: 'case fall-through ;& / ;;& (bash 4.0)', pattern: /;;?&/ },
  // bash 4.3: namerefs
  { name: 'nameref declare -n (bash 4.3)', pattern: /\b(?:declare|typeset|local)\s+(?:-[A-Za-z]+\s+)*-[A-Za-z]*n\b/ },
  // bash 4.4: parameter transformation `${v@Q}`
  { name: 'parameter transformation ${v@Q} (bash 4.4)', pattern: /\$\{[A-Za-z_][A-Za-z0-9_]*@[QEPAaKkULu]\}/ },
  // bash 4.2: `[[ -v NAME ]]`
  { name: 'test -v NAME (bash 4.2)', pattern: /\[\[?\s+-v\s/ },
];

export interface Bash4Finding {
  readonly line: number;
  readonly construct: string;
  readonly text: string;
}

/** Every line of `script` (comments aside) that uses a construct bash 3.2 lacks. */
export function bash4Findings(script: string): Bash4Finding[] {
  const findings: Bash4Finding[] = [];
  script.split('\n').forEach((text, i) => {
    if (/^\s*#/.test(text)) return;
    for (const c of BASH4_CONSTRUCTS) if (c.pattern.test(text)) findings.push({ line: i + 1, construct: c.name, text: text.trim() });
  });
  return findings;
}
