#!/usr/bin/env node
// Times the peer evaluator (@cloud-copilot/iam-simulate) on generated cases
// whose identity policy has 1, 10 and 100 statements, and prints one JSON
// object of numbers, so Moat's benchmark can be put beside it.
//
//   node bench.mjs [--seed 1] [--cases 200] [--min-seconds 1] [--sizes 1,10,100]
//
// The cases are written to out/bench-<size>.json (exchange format, expected =
// the peer's answer) so Moat can be timed on exactly the same inputs:
//   moat policy eval compare/out/bench-10.json --check
//
// Each case is a same-account request by an IAM principal with one identity
// policy of SIZE statements (the case's own generated statements, padded with
// statements generated for other requests, so most do not apply) and no other
// policy type. Two figures per size:
//   runSimulation        the public API: validates and parses the policies on every call
//   runUnsafeSimulation  no validation, no context normalization and no wildcard-only action handling
//                        (so a few answers differ: unsafe_answers_differ); still parses the policies on every call
// and, as a mixed workload, runSimulation over the first differential cases.
// Both are single-threaded (one Node.js event loop).

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateCase, casesToJson, Rng } from './generate.mjs';
import { toSimulation } from './peer.mjs';

process.env.TZ = 'UTC';
const { runSimulation, runUnsafeSimulation } = await import('@cloud-copilot/iam-simulate');
const HERE = dirname(fileURLToPath(import.meta.url));
const PEER_VERSION = JSON.parse(readFileSync(join(HERE, 'node_modules/@cloud-copilot/iam-simulate/package.json'), 'utf8')).version;

function parseArgs(argv) {
  const a = { seed: '1', cases: 200, minSeconds: 1, sizes: [1, 10, 100] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seed') a.seed = argv[++i];
    else if (argv[i] === '--cases') a.cases = Number(argv[++i]);
    else if (argv[i] === '--min-seconds') a.minSeconds = Number(argv[++i]);
    else if (argv[i] === '--sizes') a.sizes = argv[++i].split(',').map(Number);
    else { console.error('usage: node bench.mjs [--seed S] [--cases N] [--min-seconds T] [--sizes 1,10,100]'); process.exit(2); }
  }
  return a;
}

const docOf = (e) => (e && typeof e === 'object' && 'policy' in e && !('Statement' in e) ? e.policy : e);
const identityStatements = (c) => (c.identityPolicies ?? []).flatMap((e) => [docOf(e).Statement].flat());

function benchCases(seed, count, size) {
  const rng = new Rng(`moat-bench:${seed}:${size}`);
  // pool of identity statements generated for many different requests
  const allows = [];
  const denies = [];
  for (let i = 0; allows.length + denies.length < 2000; i++) {
    for (const st of identityStatements(generateCase(`${seed}-pool`, i))) (st.Effect === 'Deny' ? denies : allows).push(st);
  }
  const cases = [];
  for (let i = 0; cases.length < count; i++) {
    const c = generateCase(`${seed}-bench`, i);
    const p = c.request.principal;
    if (typeof p !== 'string' || p.endsWith('amazonaws.com') || p.split(':')[4] !== c.request.resource.accountId) continue;
    const own = identityStatements(c).slice(0, size);
    const statements = [...own];
    // padding: mostly Allow statements, so large policies are not all denied
    while (statements.length < size) statements.push(rng.pick(rng.chance(0.1) ? denies : allows));
    // shuffle so the deciding statements are anywhere in the policy
    for (let j = statements.length - 1; j > 0; j--) {
      const k = Math.floor(rng.next() * (j + 1));
      [statements[j], statements[k]] = [statements[k], statements[j]];
    }
    cases.push({
      name: `bench-s${seed}-${size}-${String(cases.length).padStart(4, '0')}`,
      request: c.request,
      identityPolicies: [{ name: 'bench', policy: { Version: '2012-10-17', Statement: statements } }],
    });
  }
  return cases;
}

async function timeIt(minSeconds, sims, fn) {
  let evals = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (const s of sims) await fn(s);
    evals += sims.length;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < minSeconds);
  return { evaluations: evals, seconds: Number(elapsed.toFixed(3)), per_second: Math.round(evals / elapsed) };
}

const args = parseArgs(process.argv.slice(2));
mkdirSync(join(HERE, 'out'), { recursive: true });
const result = {
  peer: `@cloud-copilot/iam-simulate@${PEER_VERSION}`,
  node: process.version,
  seed: args.seed,
  cases_per_size: args.cases,
  sizes: {},
};
for (const size of args.sizes) {
  const cases = benchCases(args.seed, args.cases, size);
  const sims = cases.map(toSimulation);
  const answers = { Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0, error: 0 };
  let unsafeDiffers = 0;
  for (let i = 0; i < sims.length; i++) {
    const r = await runSimulation(sims[i], {});
    const unsafe = runUnsafeSimulation(sims[i], {});
    if (r.resultType === 'error') { answers.error++; continue; }
    answers[r.overallResult]++;
    if (unsafe !== r.overallResult) unsafeDiffers++;
    cases[i].expected = { response: r.overallResult };
  }
  const file = join(HERE, 'out', `bench-${size}.json`);
  writeFileSync(file, casesToJson(cases.filter((c) => c.expected)));
  const safe = await timeIt(args.minSeconds, sims, (s) => runSimulation(s, {}));
  const unsafe = await timeIt(args.minSeconds, sims, (s) => runUnsafeSimulation(s, {}));
  result.sizes[size] = {
    statements: size,
    cases_file: `compare/out/bench-${size}.json`,
    answers,
    unsafe_answers_differ: unsafeDiffers,
    runSimulation: safe,
    runUnsafeSimulation: unsafe,
  };
}
// the differential cases themselves, as a mixed workload
{
  const cases = Array.from({ length: args.cases * 5 }, (_, i) => generateCase(args.seed, i));
  const sims = cases.map(toSimulation);
  result.random_cases = {
    cases: cases.length,
    note: 'the first cases of the differential run (every policy type)',
    runSimulation: await timeIt(args.minSeconds, sims, (s) => runSimulation(s, {})),
  };
}
console.log(JSON.stringify(result, null, 2));
