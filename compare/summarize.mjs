#!/usr/bin/env node
// Compares Moat's answers with the peer's labels and prints the summary.
//
//   node summarize.mjs LABELLED.json MOAT_STDOUT [--moat-stderr FILE] [--peer-errors ERRORS.jsonl] [--cases N]
//                      [--out out/disagreements.json]
//
// MOAT_STDOUT is what `moat policy eval LABELLED.json --check -f json` printed.
// Per-case results are read when the output has them: a JSON array of objects,
// or an object holding such an array (under cases/results/decisions), or JSON
// lines; each object with `name` and `response` (or `decision`/`actual`), and
// optionally `expected` and `passed`. Otherwise only the final line
// `N passed, N failed` is used, and the disagreeing cases cannot be named.
//
// Writes the disagreeing cases (exchange format, expected = the peer's answer)
// to --out, so `moat policy eval out/disagreements.json --check` replays them.

import { readFileSync, writeFileSync } from 'node:fs';

function parseArgs(argv) {
  const args = { labelled: undefined, moat: undefined, peerErrors: undefined, cases: undefined, out: 'out/disagreements.json' };
  const pos = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--peer-errors') args.peerErrors = argv[++i];
    else if (a === '--moat-stderr') args.moatStderr = argv[++i];
    else if (a === '--cases') args.cases = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i];
    else pos.push(a);
  }
  [args.labelled, args.moat] = pos;
  if (!args.labelled || !args.moat) {
    console.error('usage: node summarize.mjs LABELLED.json MOAT_STDOUT [--moat-stderr FILE] [--peer-errors FILE] [--cases N] [--out FILE]');
    process.exit(2);
  }
  return args;
}

const RESPONSES = new Set(['Allowed', 'ExplicitlyDenied', 'ImplicitlyDenied']);
const PASSED_LINE = /^\s*(?:\w+:\s*)?(\d+) passed, (\d+) failed\b/;

function responseOf(o) {
  for (const k of ['response', 'decision', 'actual', 'result']) {
    const v = o?.[k];
    if (typeof v === 'string' && RESPONSES.has(v)) return v;
    if (v && typeof v === 'object' && RESPONSES.has(v.response)) return v.response;
  }
  return undefined;
}

function findPerCase(value) {
  if (Array.isArray(value) && value.some((o) => o && typeof o === 'object' && 'name' in o)) return value;
  if (value && typeof value === 'object') {
    for (const k of ['cases', 'results', 'decisions', 'evaluations']) {
      if (Array.isArray(value[k])) return findPerCase(value[k]);
    }
  }
  return undefined;
}

/** -> {perCase?: [{name, response}], passed?, failed?} */
export function parseMoatOutput(text) {
  const lines = text.split('\n');
  let passed, failed;
  for (const line of lines) {
    const m = PASSED_LINE.exec(line);
    if (m) { passed = Number(m[1]); failed = Number(m[2]); }
  }
  const body = lines.filter((l) => !PASSED_LINE.test(l)).join('\n').trim();
  let perCase;
  if (body) {
    try {
      perCase = findPerCase(JSON.parse(body));
    } catch {
      // JSON lines?
      const objs = [];
      for (const l of body.split('\n')) {
        const t = l.trim();
        if (!t.startsWith('{')) continue;
        try { objs.push(JSON.parse(t)); } catch { /* not JSON */ }
      }
      if (objs.length) perCase = findPerCase(objs);
    }
    if (perCase) {
      // a summary object may carry the counts too
      try {
        const whole = JSON.parse(body);
        if (passed === undefined && typeof whole?.passed === 'number') { passed = whole.passed; failed = whole.failed; }
      } catch { /* lines */ }
    }
  }
  return { perCase, passed, failed };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const labelled = JSON.parse(readFileSync(args.labelled, 'utf8'));
  const byName = new Map(labelled.map((c) => [c.name, c]));
  const moat = parseMoatOutput(readFileSync(args.moat, 'utf8'));
  if (moat.passed === undefined && args.moatStderr) {
    // the `N passed, N failed` line may go to stderr
    const fromStderr = parseMoatOutput(readFileSync(args.moatStderr, 'utf8').split('\n').filter((l) => PASSED_LINE.test(l)).join('\n'));
    moat.passed = fromStderr.passed; moat.failed = fromStderr.failed;
  }
  const peerErrors = args.peerErrors
    ? readFileSync(args.peerErrors, 'utf8').split('\n').filter(Boolean).length
    : 0;
  const total = args.cases ?? labelled.length + peerErrors;
  const compared = labelled.length;
  const pct = (n, d) => (d ? ((100 * n) / d).toFixed(2) : '0.00');

  let agree, disagree;
  const disagreeing = [];
  const pairs = {};
  const byTag = {};
  let missing = 0;
  if (moat.perCase) {
    const moatBy = new Map(moat.perCase.map((o) => [o.name, o]));
    agree = 0; disagree = 0;
    for (const c of labelled) {
      const o = moatBy.get(c.name);
      const got = o ? responseOf(o) : undefined;
      if (!got) { missing++; disagree++; disagreeing.push(c); pairs[`${c.expected.response} -> (no answer)`] = (pairs[`${c.expected.response} -> (no answer)`] ?? 0) + 1; continue; }
      if (got === c.expected.response) { agree++; continue; }
      disagree++;
      disagreeing.push(c);
      const key = `peer ${c.expected.response} / moat ${got}`;
      pairs[key] = (pairs[key] ?? 0) + 1;
      for (const t of c.name.match(/~quirk-[a-z-]+/g) ?? ['(no quirk tag)']) byTag[t] = (byTag[t] ?? 0) + 1;
    }
  } else if (moat.passed !== undefined) {
    agree = moat.passed; disagree = moat.failed;
  }

  const out = [];
  out.push(`cases generated:         ${total}`);
  out.push(`peer errors (excluded):  ${peerErrors} (${pct(peerErrors, total)}%)`);
  out.push(`cases compared:          ${compared}`);
  if (agree === undefined) {
    out.push('moat output: no per-case results and no "N passed, N failed" line; see out/moat.stdout and out/moat.stderr');
    console.log(out.join('\n'));
    process.exit(2);
  }
  out.push(`agreements:              ${agree}`);
  out.push(`disagreements:           ${disagree}${missing ? ` (${missing} without a Moat answer)` : ''}`);
  out.push(`agreement:               ${pct(agree, agree + disagree)}%`);
  if (!moat.perCase && agree + disagree !== compared) {
    out.push(`note: moat counted ${agree + disagree} cases, not ${compared}`);
  }
  if (moat.passed !== undefined && moat.perCase && moat.passed !== agree) {
    out.push(`note: moat's own line says ${moat.passed} passed, ${moat.failed} failed`);
  }
  if (Object.keys(pairs).length) {
    out.push('', 'disagreements by answer:');
    for (const [k, v] of Object.entries(pairs).sort((a, b) => b[1] - a[1])) out.push(`  ${String(v).padStart(6)}  ${k}`);
  }
  if (Object.keys(byTag).length > 1 || (Object.keys(byTag).length === 1 && !byTag['(no quirk tag)'])) {
    out.push('', 'disagreements by quirk tag (known or suspected peer divergences, see README.md):');
    for (const [k, v] of Object.entries(byTag).sort((a, b) => b[1] - a[1])) out.push(`  ${String(v).padStart(6)}  ${k}`);
  }
  if (disagreeing.length) {
    out.push('', `first disagreeing cases (all ${disagreeing.length} in ${args.out}):`);
    for (const c of disagreeing.slice(0, 10)) out.push(`  ${c.name}`);
  }
  if (!moat.perCase && disagree > 0) {
    out.push('', 'moat printed no per-case results, so the disagreeing cases cannot be listed');
  }
  writeFileSync(args.out, '[\n' + disagreeing.map((c) => JSON.stringify(c)).join(',\n') + (disagreeing.length ? '\n' : '') + ']\n');
  console.log(out.join('\n'));
  process.exit(disagree > 0 ? 1 : 0);
}

main();
