#!/usr/bin/env node
// Runs the peer evaluator (@cloud-copilot/iam-simulate, AGPL-3.0, installed
// under compare/node_modules only, called as a tool) on cases in Moat's case
// exchange format.
//
//   node peer.mjs [CASES.json]                    # stdin when no file: JSON lines {name, response, error?, expected?}
//   node peer.mjs CASES.json --with-expected -o LABELLED.json [--errors ERRORS.jsonl] [--keep-ignored]
//
// --with-expected writes the cases back with expected.response set to the
// peer's answer (a JSON array, one case a line). Cases the peer rejects are
// left out of that file (they are neither agreements nor disagreements) and
// listed in --errors. Context keys the peer ignores for the action (it drops
// keys that the action/resource type cannot carry) are removed from the
// written case, so both evaluators see the same request; --keep-ignored
// keeps them.
//
// A summary goes to stderr: cases, peer errors, responses, ignored keys.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// iam-simulate parses ISO dates without a zone with Date.parse, in local time:
// pin the zone so results do not depend on the machine.
process.env.TZ = 'UTC';

const { runSimulation } = await import('@cloud-copilot/iam-simulate');

export function loadCases(text) {
  const parsed = JSON.parse(text);
  return Array.isArray(parsed) ? parsed : [parsed];
}

function namedPolicies(list, prefix) {
  return (list ?? []).map((entry, i) => {
    if (entry && typeof entry === 'object' && 'policy' in entry && !('Statement' in entry)) {
      return { name: entry.name ?? `${prefix}-${i + 1}`, policy: entry.policy };
    }
    return { name: `${prefix}-${i + 1}`, policy: entry };
  });
}

function orgPolicies(levels, prefix) {
  return (levels ?? []).map((level, i) => ({
    orgIdentifier: level.orgIdentifier,
    policies: namedPolicies(level.policies, `${prefix}-${level.orgIdentifier ?? i}`),
  }));
}

/** Moat case -> iam-simulate Simulation. */
export function toSimulation(c) {
  const req = c.request ?? {};
  const sim = {
    request: {
      principal: req.principal,
      action: req.action,
      resource: { resource: req.resource?.resource, accountId: req.resource?.accountId },
      contextVariables: req.context ?? {},
    },
    identityPolicies: namedPolicies(c.identityPolicies, 'identity'),
    serviceControlPolicies: orgPolicies(c.serviceControlPolicies, 'scp'),
    resourceControlPolicies: orgPolicies(c.resourceControlPolicies, 'rcp'),
  };
  if (c.resourcePolicy !== undefined && c.resourcePolicy !== null) sim.resourcePolicy = c.resourcePolicy;
  if (c.sessionPolicy !== undefined && c.sessionPolicy !== null) sim.sessionPolicy = c.sessionPolicy;
  if (c.permissionBoundaries?.length) sim.permissionBoundaryPolicies = namedPolicies(c.permissionBoundaries, 'boundary');
  if (c.endpointPolicies?.length) sim.vpcEndpointPolicies = namedPolicies(c.endpointPolicies, 'endpoint');
  return sim;
}

function errorText(errors) {
  if (!errors) return 'error';
  const { message, ...rest } = errors;
  return Object.keys(rest).length ? `${message}: ${JSON.stringify(rest)}` : message;
}

/** Runs one case; returns {name, response?, error?, ignored?}. */
export async function runCase(c) {
  let result;
  try {
    result = await runSimulation(toSimulation(c), {});
  } catch (e) {
    return { name: c.name, error: `exception: ${e?.message ?? e}` };
  }
  if (result.resultType === 'error') return { name: c.name, error: errorText(result.errors) };
  const out = { name: c.name, response: result.overallResult };
  if (result.resultType === 'wildcard') out.note = 'wildcard resource: several simulations';
  const ignored = result.result?.ignoredContextKeys ?? [];
  if (ignored.length) out.ignored = ignored;
  return out;
}

function parseArgs(argv) {
  const args = { file: undefined, withExpected: false, output: undefined, errors: undefined, keepIgnored: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--with-expected') args.withExpected = true;
    else if (a === '-o' || a === '--output') args.output = argv[++i];
    else if (a === '--errors') args.errors = argv[++i];
    else if (a === '--keep-ignored') args.keepIgnored = true;
    else if (a === '-h' || a === '--help') {
      console.log('usage: node peer.mjs [CASES.json] [--with-expected [-o OUT.json] [--errors ERRORS.jsonl] [--keep-ignored]]');
      process.exit(0);
    } else if (a.startsWith('-') && a !== '-') { console.error(`unknown argument: ${a}`); process.exit(2); }
    else args.file = a;
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const text = args.file && args.file !== '-' ? readFileSync(args.file, 'utf8') : readFileSync(0, 'utf8');
  const cases = loadCases(text);

  const counts = { cases: cases.length, errors: 0, Allowed: 0, ExplicitlyDenied: 0, ImplicitlyDenied: 0, withIgnoredKeys: 0, withExpected: 0, matchExpected: 0 };
  const mismatches = [];
  const errorKinds = {};
  const lines = [];
  const labelled = [];
  const errorLines = [];

  for (const c of cases) {
    const r = await runCase(c);
    if (r.error) {
      counts.errors++;
      const kind = r.error.split(':')[0];
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      errorLines.push(JSON.stringify({ name: r.name, error: r.error }));
    } else {
      counts[r.response] = (counts[r.response] ?? 0) + 1;
      if (r.ignored) counts.withIgnoredKeys++;
    }
    if (args.withExpected) {
      if (r.error) continue;
      const copy = structuredClone(c);
      if (r.ignored && !args.keepIgnored && copy.request?.context) {
        for (const k of r.ignored) delete copy.request.context[k];
      }
      copy.expected = { ...(copy.expected ?? {}), response: r.response };
      labelled.push(copy);
    } else {
      const line = { name: r.name };
      if (r.response) line.response = r.response;
      if (r.error) line.error = r.error;
      if (r.ignored) line.ignored = r.ignored;
      if (r.note) line.note = r.note;
      const expected = c.expected?.response;
      if (expected) {
        line.expected = expected;
        if (r.response) {
          counts.withExpected++;
          if (r.response === expected) counts.matchExpected++;
          else mismatches.push(r.name);
        }
      }
      lines.push(JSON.stringify(line));
    }
  }

  if (args.withExpected) {
    const json = '[\n' + labelled.map((c) => JSON.stringify(c)).join(',\n') + '\n]\n';
    if (args.output) writeFileSync(args.output, json);
    else process.stdout.write(json);
  } else {
    const out = lines.join('\n') + (lines.length ? '\n' : '');
    if (args.output) writeFileSync(args.output, out);
    else process.stdout.write(out);
  }
  if (args.errors) writeFileSync(args.errors, errorLines.join('\n') + (errorLines.length ? '\n' : ''));

  const ok = counts.cases - counts.errors;
  const pct = (n, d) => (d ? ((100 * n) / d).toFixed(1) : '0.0');
  process.stderr.write(
    `peer: ${counts.cases} cases, ${counts.errors} rejected by the peer (${pct(counts.errors, counts.cases)}%)` +
      (counts.errors ? ` ${JSON.stringify(errorKinds)}` : '') + '\n' +
      `peer: Allowed ${counts.Allowed} (${pct(counts.Allowed, ok)}%), ExplicitlyDenied ${counts.ExplicitlyDenied} (${pct(counts.ExplicitlyDenied, ok)}%), ` +
      `ImplicitlyDenied ${counts.ImplicitlyDenied} (${pct(counts.ImplicitlyDenied, ok)}%); ` +
      `${counts.withIgnoredKeys} cases had context keys the peer ignores for the action` +
      (args.withExpected && !args.keepIgnored ? ' (removed)' : '') + '\n' +
      (counts.withExpected
        ? `peer: ${counts.matchExpected} of ${counts.withExpected} answers equal the cases' expected response` +
          (mismatches.length ? `; differ: ${mismatches.slice(0, 20).join(', ')}${mismatches.length > 20 ? ', ...' : ''}` : '') + '\n'
        : ''),
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
