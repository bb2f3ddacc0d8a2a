#!/usr/bin/env node
// Counts the features a case file exercises: policy types, element forms,
// principal forms, condition operators (with IfExists and set qualifiers),
// context keys, policy variables. Works on any file in the exchange format.
//
//   node stats.mjs CASES.json [--json]

import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) { console.error('usage: node stats.mjs CASES.json [--json]'); process.exit(2); }
const parsed = JSON.parse(readFileSync(file, 'utf8'));
const cases = Array.isArray(parsed) ? parsed : [parsed];

const counts = {};
const bump = (group, key, n = 1) => { (counts[group] ??= {})[key] = ((counts[group] ??= {})[key] ?? 0) + n; };

const docOf = (entry) => (entry && typeof entry === 'object' && 'policy' in entry && !('Statement' in entry) ? entry.policy : entry);
const statementsOf = (doc) => (doc ? [doc.Statement ?? []].flat() : []);

function principalForms(el, group) {
  if (el === '*') return bump(group, '"*"');
  for (const [type, v] of Object.entries(el)) {
    for (const p of [v].flat()) {
      let form = type;
      if (type === 'AWS') {
        if (p === '*') form = 'AWS:*';
        else if (/^\d{12}$/.test(p)) form = 'AWS:account-id';
        else if (/:root$/.test(p)) form = 'AWS:account-root-arn';
        else if (/:user\//.test(p)) form = 'AWS:user-arn';
        else if (/:role\//.test(p)) form = 'AWS:role-arn';
        else if (/:assumed-role\//.test(p)) form = 'AWS:session-arn';
        else if (/:federated-user\//.test(p)) form = 'AWS:federated-user-arn';
      }
      bump(group, form);
    }
  }
}

function walkStatement(st, policyType) {
  bump('statements by policy type', `${policyType} ${st.Effect}`);
  for (const el of ['Principal', 'NotPrincipal', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition']) {
    if (st[el] !== undefined) bump('elements', el);
  }
  if (st.Principal !== undefined) principalForms(st.Principal, 'Principal forms');
  if (st.NotPrincipal !== undefined) principalForms(st.NotPrincipal, 'NotPrincipal forms');
  for (const a of [st.Action ?? st.NotAction ?? []].flat()) {
    bump('action patterns', a === '*' ? '"*"' : a.includes('*') || a.includes('?') ? 'wildcard' : a === a.toLowerCase() || !a.startsWith('s3:') ? 'case variant' : 'exact');
  }
  for (const r of [st.Resource ?? st.NotResource ?? []].flat()) {
    if (r.includes('${')) bump('policy variables', 'in Resource');
    bump('resource patterns', r === '*' ? '"*"' : /[*?]/.test(r.replace(/\$\{[^}]*\}/g, '')) ? 'wildcard' : 'exact');
  }
  for (const [op, block] of Object.entries(st.Condition ?? {})) {
    const m = /^(ForAnyValue:|ForAllValues:)?(.*?)(IfExists)?$/.exec(op);
    bump('condition operators', m[2]);
    if (m[1]) bump('qualifiers', m[1].slice(0, -1));
    if (m[3]) bump('qualifiers', 'IfExists');
    for (const [key, vals] of Object.entries(block)) {
      bump('condition keys', key);
      if ([vals].flat().some((v) => String(v).includes('${'))) bump('policy variables', 'in Condition values');
    }
  }
}

for (const c of cases) {
  const p = c.request?.principal;
  const who = typeof p === 'object' ? 'anonymous' : /amazonaws\.com$/.test(p) ? 'service principal'
    : p.split(':')[4] === c.request.resource.accountId ? 'same account' : 'cross account';
  bump('requests', who);
  bump('request principal kinds', typeof p === 'object' ? 'anonymous' : /amazonaws\.com$/.test(p) ? 'service' : p.split(':')[5].split('/')[0]);
  bump('actions', c.request?.action);
  if (c.expected?.response) bump('expected', c.expected.response);
  for (const [k, v] of Object.entries(c.request?.context ?? {})) bump('context keys present', Array.isArray(v) ? `${k} (list)` : k);
  const types = [];
  if (c.identityPolicies?.length) types.push('identity');
  if (c.resourcePolicy) types.push('resource');
  if (c.permissionBoundaries?.length) types.push('boundary');
  if (c.sessionPolicy) types.push('session');
  if (c.serviceControlPolicies?.length) types.push(`scp(${c.serviceControlPolicies.length} levels)`);
  if (c.resourceControlPolicies?.length) types.push(`rcp(${c.resourceControlPolicies.length} levels)`);
  if (c.endpointPolicies?.length) types.push('endpoint');
  for (const t of types) bump('cases with policy type', t);
  for (const e of c.identityPolicies ?? []) statementsOf(docOf(e)).forEach((s) => walkStatement(s, 'identity'));
  statementsOf(c.resourcePolicy).forEach((s) => walkStatement(s, 'resource'));
  for (const e of c.permissionBoundaries ?? []) statementsOf(docOf(e)).forEach((s) => walkStatement(s, 'boundary'));
  statementsOf(c.sessionPolicy).forEach((s) => walkStatement(s, 'session'));
  for (const lvl of c.serviceControlPolicies ?? []) for (const e of lvl.policies ?? []) statementsOf(docOf(e)).forEach((s) => walkStatement(s, 'scp'));
  for (const lvl of c.resourceControlPolicies ?? []) for (const e of lvl.policies ?? []) statementsOf(docOf(e)).forEach((s) => walkStatement(s, 'rcp'));
  for (const e of c.endpointPolicies ?? []) statementsOf(docOf(e)).forEach((s) => walkStatement(s, 'endpoint'));
  const quirks = c.name?.match(/~quirk-[a-z-]+/g) ?? [];
  for (const q of quirks) bump('quirk tags', q.slice(7));
}

if (args.includes('--json')) {
  console.log(JSON.stringify({ cases: cases.length, ...counts }, null, 2));
} else {
  console.log(`${cases.length} cases`);
  for (const [group, m] of Object.entries(counts)) {
    console.log(`\n${group}:`);
    for (const [k, v] of Object.entries(m).sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(7)}  ${k}`);
  }
}
