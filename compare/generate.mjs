#!/usr/bin/env node
// Seeded random generator of IAM authorization cases in Moat's case exchange
// format (see compare/README.md). Case i depends only on (seed, i), so the
// first N cases of a run are the same whatever N is.
//
//   node generate.mjs [--n 10000] [--seed 1] [--quirks] [-o cases.json]
//
// --quirks also generates constructs where the peer evaluator is known (or
// suspected) to differ from AWS's documentation; such cases carry a name
// suffix `~quirk-<kind>` so a summary can group them. Without it those
// constructs are avoided, so disagreements point at Moat first.
//
// No dependencies: plain Node.js.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- PRNG

function cyrb128(str) {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762;
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

// sfc32: small, fast, good enough for test generation, identical on every platform.
function sfc32(a, b, c, d) {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

export class Rng {
  constructor(seedString) {
    const [a, b, c, d] = cyrb128(seedString);
    this.next = sfc32(a, b, c, d);
    for (let i = 0; i < 12; i++) this.next();
  }
  chance(p) { return this.next() < p; }
  int(lo, hi) { return lo + Math.floor(this.next() * (hi - lo + 1)); } // inclusive
  pick(arr) { return arr[Math.floor(this.next() * arr.length)]; }
  // weighted: [[weight, value], ...]
  weighted(pairs) {
    const total = pairs.reduce((s, [w]) => s + w, 0);
    let r = this.next() * total;
    for (const [w, v] of pairs) { if ((r -= w) < 0) return v; }
    return pairs[pairs.length - 1][1];
  }
  subset(arr, min = 0, max = arr.length) {
    const n = this.int(min, Math.min(max, arr.length));
    const copy = [...arr];
    const out = [];
    for (let i = 0; i < n; i++) out.push(copy.splice(Math.floor(this.next() * copy.length), 1)[0]);
    return out;
  }
  // 1..k distinct picks, returned as a string when one and not forced to an array
  values(arr, max = 3, arrayBias = 0.3) {
    const vs = this.subset(arr, 1, max);
    return vs.length === 1 && !this.chance(arrayBias) ? vs[0] : vs;
  }
}

// ---------------------------------------------------------------- universe

const ORG = 'o-abc123';
const A = '111122223333'; // owns bucket-a, logs-a; in the organization
const B = '444455556666'; // owns bucket-b; in the organization
const C = '777788889999'; // outside the organization
const ACCOUNTS = [A, B, C];
const ORG_OF = { [A]: ORG, [B]: ORG };

const BUCKETS = [
  { name: 'bucket-a', owner: A },
  { name: 'bucket-b', owner: B },
  { name: 'logs-a', owner: A },
];
const OBJECT_KEYS = [
  'key1', 'Key1', 'data/report.csv', 'data/2024/a.txt', 'home/alice/notes.txt',
  'home/bob/todo.txt', 'home/blue/plan.txt', 'logs/2024/01/app.log', 'odd/a*b', 'odd/a?b', 'odd/a$b',
];

const OBJECT_ACTIONS = [
  'GetObject', 'PutObject', 'DeleteObject', 'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging',
  'PutObjectTagging', 'DeleteObjectVersion', 'GetObjectVersion', 'RestoreObject', 'AbortMultipartUpload',
  'DeleteObjectTagging',
];
const BUCKET_ACTIONS = [
  'ListBucket', 'ListBucketVersions', 'GetBucketPolicy', 'PutBucketPolicy', 'DeleteBucket', 'DeleteBucketPolicy',
  'GetBucketAcl', 'PutBucketAcl', 'GetBucketTagging', 'PutBucketTagging', 'PutBucketVersioning',
  'GetBucketLocation', 'ListBucketMultipartUploads', 'PutBucketPublicAccessBlock',
];
const WILDCARD_ONLY_ACTIONS = ['ListAllMyBuckets'];

const ACTION_PATTERNS = [
  's3:*', '*', 's3:Get*', 's3:Put*', 's3:List*', 's3:Delete*', 's3:*Object', 's3:*Object*', 's3:*Bucket*',
  's3:Get*Acl', 's3:GetObjec?', 's3:*Tagging', 's3:DeleteObject*', 'S3:GET*', 's3:list*',
];

const SERVICES = ['cloudtrail.amazonaws.com', 'logging.s3.amazonaws.com'];

function principalsOf(acct) {
  return [
    { kind: 'user', arn: `arn:aws:iam::${acct}:user/alice`, name: 'alice', userid: 'AIDAEXAMPLEALICE', base: `arn:aws:iam::${acct}:user/alice` },
    { kind: 'user', arn: `arn:aws:iam::${acct}:user/bob`, name: 'bob', userid: 'AIDAEXAMPLEBOB', base: `arn:aws:iam::${acct}:user/bob` },
    { kind: 'role', arn: `arn:aws:iam::${acct}:role/Reader`, userid: 'AROAEXAMPLEREADER', base: `arn:aws:iam::${acct}:role/Reader` },
    { kind: 'session', arn: `arn:aws:sts::${acct}:assumed-role/Reader/s1`, userid: 'AROAEXAMPLEREADER:s1', base: `arn:aws:iam::${acct}:role/Reader` },
    { kind: 'session', arn: `arn:aws:sts::${acct}:assumed-role/Writer/alice`, userid: 'AROAEXAMPLEWRITER:alice', base: `arn:aws:iam::${acct}:role/app/Writer` },
    { kind: 'federated', arn: `arn:aws:sts::${acct}:federated-user/bob`, userid: `${acct}:bob`, base: `arn:aws:sts::${acct}:federated-user/bob` },
  ];
}

// ---------------------------------------------------------------- condition keys
//
// type: string | arn | ip | bool | num | date-iso | date-epoch | multi
// ctx(req, rng): value to put in the request context (undefined = absent)
// pol(req, rng): candidate policy values (drawn near the context pool so
//                conditions are satisfied about as often as not)

const TIMES = [
  ['2023-11-14T22:13:20Z', 1700000000],
  ['2024-06-01T12:00:00Z', 1717243200],
  ['2024-01-15T08:30:00Z', 1705307400],
  ['2025-03-10T23:59:59Z', 1741651199],
];


const GLOBAL_KEYS = {
  'aws:SourceIp': {
    type: 'ip',
    ctx: (r, g) => g.weighted([[10, '10.0.0.1'], [8, '10.1.2.3'], [8, '192.0.2.10'], [8, '203.0.113.7'], [6, '198.51.100.20'], [1, '2001:db8::1']]),
    pol: () => ['10.0.0.0/8', '10.0.0.0/24', '192.0.2.0/24', '203.0.113.0/25', '203.0.113.128/25', '198.51.100.20/32', '0.0.0.0/0', '10.1.2.3'],
  },
  'aws:SecureTransport': { type: 'bool', ctx: (r, g) => g.pick(['true', 'false']), pol: () => ['true', 'false'] },
  'aws:CurrentTime': {
    type: 'date-iso', shared: 'time',
    ctx: (r) => r.time[0],
    pol: () => ['2024-06-01T12:00:00Z', '2024-06-01T00:00:00Z', '2024-06-01', '2025-01-01T00:00:00Z', '2023-12-31T23:59:59Z',
      '2024-06-01T14:00:00+02:00', '2024-06-01T12:00:00.000Z', '2023-11-14T22:13:20Z'],
  },
  'aws:EpochTime': {
    type: 'date-epoch', shared: 'time',
    ctx: (r) => String(r.time[1]),
    pol: () => ['1717243200', '1717200000', '1735689600', '1704067199', '1700000000', '1705307400'],
  },
  'aws:MultiFactorAuthPresent': { type: 'bool', principal: true, ctx: (r, g) => g.pick(['true', 'false']), pol: () => ['true', 'false'] },
  'aws:MultiFactorAuthAge': { type: 'num', principal: true, ctx: (r, g) => g.pick(['30', '3600', '86400']), pol: () => ['3600', '300', '86400', '30'] },
  'aws:SourceVpce': { type: 'string', ctx: (r, g) => g.pick(['vpce-1a2b3c4d', 'vpce-0f0f0f0f']), pol: () => ['vpce-1a2b3c4d', 'vpce-0f0f0f0f', 'vpce-*', 'vpce-9999'] },
  'aws:PrincipalAccount': { type: 'string', principal: true, ctx: (r) => r.principalAccount, pol: () => [A, B, C, '1111*'] },
  'aws:PrincipalOrgID': { type: 'string', principal: true, ctx: (r) => ORG_OF[r.principalAccount], pol: () => [ORG, 'o-*', 'o-other999'] },
  'aws:PrincipalArn': {
    type: 'arn', principal: true, ctx: (r) => r.principal?.base,
    pol: (r) => [
      `arn:aws:iam::${A}:role/Reader`, `arn:aws:iam::${A}:user/alice`, `arn:aws:iam::${B}:user/bob`, `arn:aws:iam::${A}:role/app/Writer`,
      `arn:aws:iam::${A}:role/*`, 'arn:aws:iam::*:user/alice', `arn:aws:iam::${B}:*`, 'arn:aws:iam::*:role/app/*', `arn:aws:sts::${A}:federated-user/*`,
      'arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}',
      ...(r.principal ? [r.principal.base] : []),
    ],
  },
  'aws:PrincipalTag/team': { type: 'string', principal: true, ctx: (r, g) => g.pick(['blue', 'red', 'Blue']), pol: () => ['blue', 'red', 'green', 'BLUE', 'b*', '*'] },
  'aws:RequestTag/x': { type: 'string', ctx: (r, g) => g.pick(['alpha', 'beta']), pol: () => ['alpha', 'beta', 'ALPHA', 'a*', 'gamma', '${aws:PrincipalTag/team}'] },
  'aws:TagKeys': {
    type: 'multi',
    ctx: (r, g) => g.subset(['a', 'b', 'team', 'env'], g.chance(0.1) ? 0 : 1, 3),
    pol: () => ['a', 'b', 'team', 't*', 'env', 'A'],
  },
  'aws:username': { type: 'string', principal: true, ctx: (r) => r.principal?.kind === 'user' ? r.principal.name : undefined, pol: () => ['alice', 'bob', 'Alice', 'a*', 'carol'] },
  'aws:userid': { type: 'string', principal: true, ctx: (r) => r.principal?.userid, pol: () => ['AIDAEXAMPLEALICE', 'AROAEXAMPLEREADER:*', 'AROA*', 'AIDAEXAMPLEBOB', `${A}:bob`, '*:${aws:username}'] },
  'aws:PrincipalIsAWSService': { type: 'bool', ctx: (r) => r.service ? 'true' : (r.anonymous ? undefined : 'false'), pol: () => ['true', 'false'] },
  'aws:SourceAccount': { type: 'string', service: true, ctx: (r, g) => r.service ? g.pick([A, B]) : undefined, pol: () => [A, B, C, '${aws:PrincipalAccount}'] },
  'aws:SourceArn': {
    type: 'arn', service: true,
    ctx: (r, g) => r.service ? g.pick([`arn:aws:cloudtrail:us-east-1:${A}:trail/main`, `arn:aws:cloudtrail:eu-west-1:${B}:trail/org`]) : undefined,
    pol: () => [`arn:aws:cloudtrail:us-east-1:${A}:trail/main`, `arn:aws:cloudtrail:*:${A}:trail/*`, 'arn:aws:cloudtrail:*:*:trail/org', `arn:aws:s3:::bucket-a`],
  },
};

const PUT_ACL = ['PutObject', 'PutObjectAcl', 'PutBucketAcl'];
const EXISTING_TAG = ['GetObject', 'GetObjectAcl', 'PutObjectAcl', 'GetObjectTagging', 'PutObjectTagging', 'GetObjectVersion', 'DeleteObjectTagging'];
const S3_KEYS = {
  's3:prefix': {
    type: 'string', actions: ['ListBucket', 'ListBucketVersions'],
    ctx: (r, g) => g.pick(['', 'data/', 'home/alice/', 'home/bob/', 'logs/']),
    pol: () => ['data/', 'home/${aws:username}/*', 'home/*', '', 'logs/*', 'home/${aws:username}/', 'data/*'],
  },
  's3:max-keys': { type: 'num', actions: ['ListBucket', 'ListBucketVersions'], ctx: (r, g) => g.pick(['10', '1000']), pol: () => ['100', '1000', '10'] },
  's3:x-amz-server-side-encryption': { type: 'string', actions: ['PutObject'], ctx: (r, g) => g.pick(['AES256', 'aws:kms']), pol: () => ['AES256', 'aws:kms', 'aws:kms:dsse', 'aws:*'] },
  's3:x-amz-acl': { type: 'string', actions: PUT_ACL, ctx: (r, g) => g.pick(['private', 'public-read', 'bucket-owner-full-control']), pol: () => ['private', 'public-read', 'public-read-write', 'bucket-owner-full-control', 'public-*'] },
  's3:TlsVersion': { type: 'num', actions: '*', ctx: (r, g) => g.pick(['1.0', '1.2', '1.3']), pol: () => ['1.2', '1.3', '1.1', '1'] },
  's3:RequestObjectTagKeys': { type: 'multi', actions: ['PutObject', 'PutObjectTagging'], ctx: (r, g) => g.subset(['owner', 'class'], 1, 2), pol: () => ['owner', 'class', 'o*', 'Owner'] },
  's3:ExistingObjectTag/class': { type: 'string', actions: EXISTING_TAG, ctx: (r, g) => g.pick(['public', 'secret']), pol: () => ['public', 'secret', 'Public', 'p*'] },
};

const ALL_KEYS = { ...GLOBAL_KEYS, ...S3_KEYS };
const KEY_NAMES = Object.keys(ALL_KEYS);

function keyApplies(name, req) {
  const k = ALL_KEYS[name];
  if (!k.actions) return true;
  if (k.actions === '*') return true;
  return k.actions.includes(req.actionName);
}

// operator families: name -> {ops, keyTypes}
const FAMILIES = {
  string: { ops: ['StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike', 'StringNotLike'], types: ['string', 'arn'] },
  numeric: { ops: ['NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals', 'NumericGreaterThan', 'NumericGreaterThanEquals'], types: ['num'] },
  date: { ops: ['DateEquals', 'DateNotEquals', 'DateLessThan', 'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals'], types: ['date-iso', 'date-epoch'] },
  bool: { ops: ['Bool'], types: ['bool'] },
  binary: { ops: ['BinaryEquals'], types: ['binary'] },
  ip: { ops: ['IpAddress', 'NotIpAddress'], types: ['ip'] },
  arn: { ops: ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'], types: ['arn'] },
  null: { ops: ['Null'], types: ['*'] },
  set: { ops: ['ForAnyValue:StringEquals', 'ForAnyValue:StringLike', 'ForAnyValue:StringNotEquals', 'ForAllValues:StringEquals', 'ForAllValues:StringLike', 'ForAllValues:StringNotLike', 'ForAnyValue:StringEqualsIgnoreCase', 'ForAllValues:StringNotEquals'], types: ['multi'] },
};
const FAMILY_WEIGHTS = [[22, 'string'], [8, 'numeric'], [9, 'date'], [8, 'bool'], [2, 'binary'], [9, 'ip'], [7, 'arn'], [7, 'null'], [10, 'set']];

// BinaryEquals: S3 and the global keys have no binary-typed key; the request
// tag value stands in, holding base64 text on both sides.
const BINARY_KEY = 'aws:RequestTag/x';
const BINARY_VALUES = ['QmFja3Vw', 'c2VjcmV0', 'YWxwaGE='];

// ---------------------------------------------------------------- builders

function genCondition(g, req, ctx, policyKind, quirks, tags) {
  const cond = {};
  const nOps = g.weighted([[75, 1], [22, 2], [3, 3]]);
  for (let i = 0; i < nOps; i++) {
    const family = g.weighted(FAMILY_WEIGHTS);
    let op = g.pick(FAMILIES[family].ops);
    let keys;
    if (family === 'binary') {
      keys = [BINARY_KEY];
    } else if (family === 'null') {
      keys = [g.pick(KEY_NAMES)];
    } else {
      const types = FAMILIES[family].types;
      keys = KEY_NAMES.filter((k) => types.includes(ALL_KEYS[k].type));
      if (family === 'string') keys = keys.filter((k) => !ALL_KEYS[k].type.startsWith('date'));
      // prefer keys that can be in this request's context
      const applicable = keys.filter((k) => keyApplies(k, req));
      if (applicable.length && g.chance(0.85)) keys = applicable;
      keys = [g.pick(keys)];
      if (g.chance(0.12)) {
        const second = g.pick(KEY_NAMES.filter((k) => types.includes(ALL_KEYS[k].type)));
        if (!keys.includes(second)) keys.push(second);
      }
    }
    // set operators on a single-valued key (documented as "don't", but defined): now and then
    if (family === 'string' && g.chance(0.05)) {
      op = g.pick(['ForAnyValue:', 'ForAllValues:']) + op;
    }
    // single-valued operator on a multivalued key: the docs leave it undefined
    if (family === 'set' && quirks && g.chance(0.15)) {
      op = op.split(':')[1];
      tags.add('single-op-on-multivalued-key');
    }
    if (family !== 'null' && g.chance(0.22)) op += 'IfExists';
    const block = cond[op] ?? (cond[op] = {});
    for (const key of keys) {
      block[key] = condValues(g, key, family, op, req, quirks, tags);
      // The peer computes the /0 mask with a 32-bit shift, which JavaScript
      // takes modulo 32: 0.0.0.0/0 then matches almost nothing.
      if ([block[key]].flat().includes('0.0.0.0/0')) {
        if (quirks) tags.add('ip-slash-zero');
        else block[key] = [block[key]].flat().map((v) => (v === '0.0.0.0/0' ? '0.0.0.0/1' : v));
      }
    }
  }
  return cond;
}

function condValues(g, key, family, op, req, quirks, tags) {
  if (family === 'null') return g.chance(0.85) ? g.pick(['true', 'false']) : [g.pick(['true', 'false'])];
  if (family === 'binary') return g.values(BINARY_VALUES, 2);
  const k = ALL_KEYS[key];
  let pool = k.pol(req);
  if (family === 'bool' && g.chance(0.1)) pool = pool.map((v) => v[0].toUpperCase() + v.slice(1));
  if (family === 'date' && quirks && g.chance(0.25)) {
    // the other date notation for the same instants: epoch seconds against ISO or back
    pool = k.type === 'date-iso' ? GLOBAL_KEYS['aws:EpochTime'].pol() : GLOBAL_KEYS['aws:CurrentTime'].pol();
    tags.add('date-epoch-vs-iso');
  }
  if (!/Like/.test(op) && family === 'string') {
    // keep wildcards for the Like operators (they are literal text elsewhere), mostly
    const literal = pool.filter((v) => !v.includes('*'));
    if (literal.length && g.chance(0.8)) pool = literal;
  }
  if (family === 'string' && /IgnoreCase/.test(op) && g.chance(0.5)) pool = pool.map((v) => (g.chance(0.5) ? v.toUpperCase() : v));
  return g.values(pool, 3);
}

function genActions(g, req, targeted) {
  const n = g.weighted([[70, 1], [22, 2], [8, 3]]);
  const out = new Set();
  if (targeted) out.add(matchingAction(g, req));
  while (out.size < n) {
    out.add(g.weighted([
      [20, `s3:${req.actionName}`],
      [30, g.pick(ACTION_PATTERNS)],
      [10, caseVariant(g, `s3:${req.actionName}`)],
      [20, `s3:${g.pick(OBJECT_ACTIONS)}`],
      [20, `s3:${g.pick(BUCKET_ACTIONS)}`],
    ]));
  }
  const list = g.chance(0.5) ? [...out] : [...out].reverse();
  return list.length === 1 && g.chance(0.7) ? list[0] : list;
}

// an action pattern that matches the request's action
function matchingAction(g, req) {
  const a = req.actionName;
  const k = g.int(1, a.length - 1);
  return g.weighted([
    [35, `s3:${a}`],
    [10, caseVariant(g, `s3:${a}`)],
    [12, 's3:*'],
    [8, '*'],
    [15, `s3:${a.slice(0, k)}*`],
    [10, `s3:*${a.slice(k)}`],
    [10, `s3:${a.slice(0, k)}?${a.slice(k + 1)}`],
  ]);
}

function caseVariant(g, s) {
  return g.pick([s.toLowerCase(), s.toUpperCase(), s.replace('s3:', 'S3:'), s.replace(/^s3:(.)/, (m, c) => `s3:${c.toLowerCase()}`)]);
}

function resourcePatterns(bucket) {
  return [
    `arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`, `arn:aws:s3:::${bucket}/data/*`, `arn:aws:s3:::${bucket}/home/\${aws:username}/*`,
    `arn:aws:s3:::${bucket}/home/\${aws:PrincipalTag/team}/*`, `arn:aws:s3:::${bucket}/key?`, `arn:aws:s3:::${bucket}/key1`,
    `arn:aws:s3:::${bucket}/odd/a\${*}b`, `arn:aws:s3:::${bucket}/odd/a\${?}b`, `arn:aws:s3:::${bucket}/odd/a\${$}b`,
    `arn:aws:s3:::${bucket}/home/\${aws:username, 'bob'}/*`,
    `arn:aws:s3:::${bucket.toUpperCase()}/*`,
  ];
}
const GENERIC_RESOURCES = [
  '*', 'arn:aws:s3:::*', 'arn:aws:s3:::*/*', 'arn:aws:s3:::bucket-?/*', 'arn:aws:s3:::bucket-*', 'arn:aws:s3:::*/data/*',
  'arn:aws:s3:::*/key1', 'arn:aws:s3:::logs-a/*', 'arn:aws:s3:::bucket-b/*', 'arn:aws:s3:::bucket-a/*', 'arn:aws:s3:::bucket-a',
  'arn:aws:s3:::*-a/*', 'arn:aws:s3:::bucket-a/home/*',
];

function genResources(g, req, forResourcePolicy, targeted) {
  const n = g.weighted([[72, 1], [22, 2], [6, 3]]);
  const out = new Set();
  const bucket = req.bucket ?? g.pick(BUCKETS).name;
  if (targeted) out.add(matchingResource(g, req));
  while (out.size < n) {
    out.add(g.weighted([
      [forResourcePolicy ? 45 : 30, g.pick(resourcePatterns(bucket))],
      [forResourcePolicy ? 8 : 30, g.pick(GENERIC_RESOURCES)],
      [12, req.resource === '*' ? '*' : req.resource],
      [forResourcePolicy ? 20 : 8, `arn:aws:s3:::${bucket}/*`],
    ]));
  }
  const list = g.chance(0.5) ? [...out] : [...out].reverse();
  return list.length === 1 && g.chance(0.7) ? list[0] : list;
}

// a resource pattern that (usually) matches the request's resource
function matchingResource(g, req) {
  const r = req.resource;
  if (r === '*') return '*';
  const tail = r.slice('arn:aws:s3:::'.length);
  const k = g.int(1, tail.length - 1);
  const isObject = tail.includes('/');
  return g.weighted([
    [30, r],
    [8, '*'],
    [6, 'arn:aws:s3:::*'],
    [isObject ? 20 : 0, `arn:aws:s3:::${req.bucket}/*`],
    [12, `arn:aws:s3:::${tail.slice(0, k)}*`],
    [8, `arn:aws:s3:::*${tail.slice(k)}`],
    [8, `arn:aws:s3:::${tail.slice(0, k)}?${tail.slice(k + 1)}`],
    [isObject ? 8 : 0, `arn:aws:s3:::${req.bucket}/home/\${aws:username}/*`],
  ]);
}

function genPrincipalElement(g, req, targeted) {
  const acct = req.principalAccount ?? g.pick(ACCOUNTS);
  const n = g.weighted([[80, 1], [20, 2]]);
  const aws = new Set();
  let star = false;
  const services = new Set();
  for (let i = 0; i < n; i++) {
    const choice = g.weighted([
      [14, 'star'], [8, 'awsstar'], [10, 'acct'], [10, 'root'], [targeted ? 30 : 14, 'self'], [10, 'selfbase'], [targeted ? 4 : 12, 'other'],
      [req.service && targeted ? 20 : 6, 'service'], [targeted ? 2 : 8, 'otheracct'],
    ]);
    switch (choice) {
      case 'star': star = true; break;
      case 'awsstar': aws.add('*'); break;
      case 'acct': aws.add(acct); break;
      case 'root': aws.add(`arn:aws:iam::${acct}:root`); break;
      case 'self': if (req.principal) aws.add(req.principal.arn); else aws.add('*'); break;
      case 'selfbase': if (req.principal) aws.add(req.principal.base); else aws.add(`arn:aws:iam::${acct}:root`); break;
      case 'other': aws.add(g.pick(principalsOf(g.pick(ACCOUNTS))).base); break;
      case 'service': services.add(req.service && g.chance(0.7) ? req.service : g.pick(SERVICES)); break;
      case 'otheracct': aws.add(g.pick(ACCOUNTS)); break;
    }
  }
  if (star && aws.size === 0 && services.size === 0) return '*';
  const el = {};
  if (aws.size) el.AWS = aws.size === 1 && g.chance(0.6) ? [...aws][0] : [...aws];
  if (services.size) el.Service = services.size === 1 ? [...services][0] : [...services];
  if (star && !el.AWS) el.AWS = '*';
  return el;
}

// NotPrincipal lists as the docs ask them to be written: the account with the
// user, or the account, the role and the session (see compare/README.md).
function genNotPrincipal(g, req, quirks, tags) {
  const acct = req.principalAccount ?? g.pick(ACCOUNTS);
  const p = req.principal ?? g.pick(principalsOf(acct));
  const full = [`arn:aws:iam::${acct}:root`];
  if (p.kind === 'session') full.push(p.base, p.arn);
  else full.push(p.arn);
  const variants = [
    [40, full],
    // another account's root: never the caller's own, which is the
    // account-only list below (a documented divergence)
    [15, [`arn:aws:iam::${g.pick(ACCOUNTS.filter((a) => a !== acct))}:root`]],
    [10, [...full, `arn:aws:iam::${g.pick(ACCOUNTS)}:root`]],
  ];
  // Lists that leave out one of the caller's identities: AWS still denies the
  // caller (every identity must be listed); the peer excludes it.
  if (quirks) variants.push([15, 'partial'], [20, 'account-only']);
  let list = g.weighted(variants);
  if (list === 'partial') {
    list = [p.arn];
    tags.add('notprincipal-without-account');
  } else if (list === 'account-only') {
    list = [`arn:aws:iam::${acct}:root`];
    tags.add('notprincipal-account-only');
  }
  const el = { AWS: list.length === 1 ? list[0] : list };
  if (g.chance(0.1)) el.Service = g.pick(SERVICES);
  return el;
}

function genStatement(g, req, ctx, kind, opts) {
  const { quirks, tags } = opts;
  const st = {};
  if (g.chance(0.25)) st.Sid = `S${g.int(1, 99)}`;
  let effect;
  switch (kind) {
    case 'identity': effect = g.chance(0.72) ? 'Allow' : 'Deny'; break;
    case 'resource': effect = g.chance(0.6) ? 'Allow' : 'Deny'; break;
    case 'boundary': case 'session': effect = g.chance(0.8) ? 'Allow' : 'Deny'; break;
    case 'endpoint': effect = g.chance(0.85) ? 'Allow' : 'Deny'; break;
    case 'rcp': effect = 'Deny'; break;
    case 'scp': effect = 'Deny'; break; // SCP Allow statements come from genScpLevel
    default: throw new Error(kind);
  }
  st.Effect = effect;
  // a targeted statement names the request's action and resource (by some pattern)
  const targeted = g.chance(effect === 'Allow' ? 0.8 : 0.3);

  if (kind === 'resource') {
    if (effect === 'Deny' && g.chance(0.15)) st.NotPrincipal = genNotPrincipal(g, req, quirks, tags);
    else if (effect === 'Allow' && quirks && g.chance(0.04)) { st.NotPrincipal = genNotPrincipal(g, req, quirks, tags); tags.add('allow-with-notprincipal'); }
    else st.Principal = genPrincipalElement(g, req, targeted);
    if (!quirks && req.sessionPolicy && req.principal?.kind === 'session') avoidSessionArn(st, req);
  } else if (kind === 'rcp' || kind === 'endpoint') {
    st.Principal = '*'; // the peer accepts only the literal "*" in RCPs and endpoint policies
  }

  const notAction = kind !== 'rcp' && g.chance(kind === 'scp' ? 0.2 : 0.14);
  st[notAction ? 'NotAction' : 'Action'] = genActions(g, req, targeted && !notAction);
  if (kind === 'rcp') st.Action = [st.Action].flat().map((a) => (a === '*' ? 's3:*' : a)); // RCPs may not use "*"
  const notResource = g.chance(0.12);
  st[notResource ? 'NotResource' : 'Resource'] = genResources(g, req, kind === 'resource', targeted && !notResource);

  const condP = { identity: 0.45, resource: 0.5, boundary: 0.25, session: 0.3, endpoint: 0.4, rcp: 0.75, scp: 0.6 }[kind];
  if (g.chance(condP)) st.Condition = genCondition(g, req, ctx, kind, quirks, tags);
  return st;
}

// A resource policy that names the session ARN itself grants past an implicit
// deny of the session policy (AWS docs); the peer does not model that.
// The constructs where Moat and the peer read AWS's documentation differently
// (docs/accuracy.md, "Disagreements documented"): without --quirks they are
// rewritten into forms both tools agree on; with it they stay, tagged.
const NEGATED = /Not(Equals|Like|IpAddress)|^(ForAnyValue:|ForAllValues:)?NotIpAddress/;
function settleDivergences(c, req, quirks, tags) {
  const context = Object.fromEntries(Object.entries(c.request.context ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const missing = (value) => [...String(value).matchAll(/\$\{([^},]+)(,[^}]*)?\}/g)].some((m) => !m[2] && !(m[1].trim().toLowerCase() in context) && !['*', '?', '$'].includes(m[1]));
  const literal = (value) => String(value).replace(/\$\{([^},]+)(,[^}]*)?\}/g, (all, key) => (['*', '?', '$'].includes(key) ? all : (context[key.trim().toLowerCase()] ?? 'x')));
  const sameAccount = req.principalAccount && req.principalAccount === req.resourceAccount;
  // An IPv6 caller against IPv4 ranges: Moat reads NotIpAddress as holding
  // (the address is in none of them), the peer as not.
  for (const key of Object.keys(c.request.context ?? {})) {
    if (key.toLowerCase() === 'aws:sourceip' && String(c.request.context[key]).includes(':')) {
      if (quirks) tags.add('ipv6-caller-against-ipv4-ranges');
      else c.request.context[key] = '10.0.0.1';
    }
  }
  const docs = [];
  const collect = (entry) => entry && docs.push(entry.policy ?? entry);
  (c.identityPolicies ?? []).forEach(collect);
  collect(c.resourcePolicy);
  (c.permissionBoundaries ?? []).forEach(collect);
  collect(c.sessionPolicy);
  (c.endpointPolicies ?? []).forEach(collect);
  for (const key of ['serviceControlPolicies', 'resourceControlPolicies']) {
    for (const level of c[key] ?? []) (level.policies ?? []).forEach(collect);
  }
  for (const doc of docs) {
    for (const st of [doc.Statement].flat()) {
      for (const [op, block] of Object.entries(st.Condition ?? {})) {
        for (const [key, values] of Object.entries(block)) {
          const list = [values].flat();
          const negatedMissing = NEGATED.test(op) && list.some(missing);
          const arnVariables = /^(ForAnyValue:|ForAllValues:)?Arn/.test(op) && list.some((v) => String(v).includes('${'));
          if (!negatedMissing && !arnVariables) continue;
          if (quirks) {
            if (negatedMissing) tags.add('variable-without-value-in-negated-condition');
            if (arnVariables) tags.add('arn-operator-with-variables');
          } else {
            const fixed = list.map(literal);
            block[key] = Array.isArray(values) ? fixed : fixed[0];
          }
        }
      }
    }
  }
  // A same-account grant to everyone, or to the caller's session by name, is
  // not limited by a session policy (Moat, from AWS's session-policy page);
  // the peer limits it.
  if (c.sessionPolicy && c.resourcePolicy && sameAccount && req.principal) {
    for (const st of [c.resourcePolicy.Statement].flat()) {
      if (st.Effect !== 'Allow' || !st.Principal) continue;
      const aws = st.Principal === '*' ? ['*'] : [st.Principal.AWS ?? []].flat();
      const direct = aws.some((a) => a === '*' || a === req.principal.arn);
      if (!direct) continue;
      if (quirks) {
        tags.add('session-policy-vs-direct-grant');
      } else {
        const names = aws.map((a) => (a === '*' || a === req.principal.arn ? `arn:aws:iam::${req.principalAccount}:root` : a));
        st.Principal = { AWS: [...new Set(names)].length === 1 ? names[0] : [...new Set(names)] };
      }
    }
  }
}

function avoidSessionArn(st, req) {
  const p = st.Principal;
  if (!p || typeof p !== 'object' || !p.AWS) return;
  const list = [p.AWS].flat().map((a) => (a === req.principal.arn ? req.principal.base : a));
  p.AWS = list.length === 1 ? list[0] : [...new Set(list)];
}

function policy(g, statements) {
  const doc = { Version: '2012-10-17' };
  if (g.chance(0.05)) doc.Id = `id-${g.int(1, 999)}`;
  doc.Statement = statements.length === 1 && g.chance(0.2) ? statements[0] : statements;
  return doc;
}

function named(g, name, doc) {
  return g.chance(0.75) ? { name, policy: doc } : doc;
}

function genScpLevel(g, req, ctx, opts, level) {
  const statements = [];
  if (g.chance(0.88)) {
    // the Allow that must exist at every level
    statements.push(g.weighted([
      [60, { Effect: 'Allow', Action: '*', Resource: '*' }],
      [12, { Effect: 'Allow', Action: 's3:*', Resource: '*' }],
      [8, { Effect: 'Allow', Action: g.pick(['s3:Get*', 's3:List*', 's3:*Object', ['s3:Get*', 's3:Put*']]), Resource: '*' }],
      [8, { Effect: 'Allow', NotAction: g.pick(['s3:DeleteBucket', 's3:Delete*', ['s3:PutBucketPolicy', 's3:DeleteBucketPolicy']]), Resource: '*' }],
      [12, { Effect: 'Allow', Action: '*', Resource: genResources(g, req, false, g.chance(0.7)), ...(g.chance(0.5) ? { Condition: genCondition(g, req, ctx, 'scp', opts.quirks, opts.tags) } : {}) }],
    ]));
  }
  const nDeny = g.weighted([[55, 0], [35, 1], [10, 2]]);
  for (let i = 0; i < nDeny; i++) statements.push(genStatement(g, req, ctx, 'scp', opts));
  return statements;
}

const RCP_TEMPLATES = (req) => [
  { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } },
  { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': ORG }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } } },
  { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:SourceAccount': A }, 'Null': { 'aws:SourceAccount': 'false' }, Bool: { 'aws:PrincipalIsAWSService': 'true' } } },
  { Effect: 'Deny', Principal: '*', Action: ['s3:PutObject'], Resource: '*', Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } } },
  { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } },
];

function genRcpLevel(g, req, ctx, opts) {
  const statements = [];
  const n = g.weighted([[20, 0], [55, 1], [25, 2]]);
  for (let i = 0; i < n; i++) {
    statements.push(g.chance(0.4) ? structuredClone(g.pick(RCP_TEMPLATES(req))) : genStatement(g, req, ctx, 'rcp', opts));
  }
  return statements;
}

function orgLevels(g, req, ctx, opts, gen) {
  const nLevels = g.weighted([[55, 1], [45, 2]]);
  const ids = nLevels === 1 ? ['r-root'] : ['r-root', req.principalAccount && g.chance(0.5) ? req.principalAccount : 'ou-root-sales1'];
  return ids.map((orgIdentifier, level) => {
    const statements = gen(g, req, ctx, opts, level);
    const policies = [];
    if (statements.length) {
      // split statements over one or two policies
      if (statements.length > 1 && g.chance(0.4)) {
        policies.push(named(g, `${orgIdentifier}-p1`, policy(g, statements.slice(0, 1))));
        policies.push(named(g, `${orgIdentifier}-p2`, policy(g, statements.slice(1))));
      } else {
        policies.push(named(g, `${orgIdentifier}-p1`, policy(g, statements)));
      }
    }
    return { orgIdentifier, policies };
  });
}

// ---------------------------------------------------------------- request

function genRequest(g, quirks, tags) {
  const req = {};
  const actionKind = g.weighted([[64, 'object'], [33, 'bucket'], [3, 'wildcard']]);
  const bucket = g.pick(BUCKETS);
  req.bucket = bucket.name;
  if (actionKind === 'object') {
    req.actionName = g.pick(OBJECT_ACTIONS);
    // the peer reads a `*` in the request's resource as a wildcard over many
    // resources, not as a character of the object key
    const key = g.pick(quirks ? OBJECT_KEYS : OBJECT_KEYS.filter((k) => !k.includes('*')));
    if (key.includes('*')) tags.add('star-in-request-resource');
    req.resource = `arn:aws:s3:::${bucket.name}/${key}`;
  } else if (actionKind === 'bucket') {
    req.actionName = g.pick(BUCKET_ACTIONS);
    req.resource = `arn:aws:s3:::${bucket.name}`;
  } else {
    req.actionName = g.pick(WILDCARD_ONLY_ACTIONS);
    req.resource = '*';
  }
  req.action = g.chance(0.05) ? caseVariant(g, `s3:${req.actionName}`).replace(/^S3/, 's3') : `s3:${req.actionName}`;
  // wildcard-only actions: the principal lists its own account's buckets
  const who = actionKind === 'wildcard'
    ? 'same'
    : g.weighted([[48, 'same'], [30, 'cross'], [13, 'anonymous'], [9, 'service']]);
  if (who === 'anonymous') {
    req.anonymous = true;
    req.resourceAccount = bucket.owner;
  } else if (who === 'service') {
    req.service = g.pick(SERVICES);
    req.resourceAccount = bucket.owner;
  } else {
    const acct = who === 'same' ? bucket.owner : g.pick(ACCOUNTS.filter((a) => a !== bucket.owner));
    req.principal = g.weighted([[22, 0], [14, 1], [14, 2], [26, 3], [18, 4], [6, 5]].map(([w, i]) => [w, principalsOf(acct)[i]]));
    req.principalAccount = acct;
    req.resourceAccount = actionKind === 'wildcard' ? acct : bucket.owner;
  }
  req.time = g.pick(TIMES);
  return req;
}

function genContext(g, req, opts) {
  const ctx = {};
  for (const name of KEY_NAMES) {
    const k = ALL_KEYS[name];
    if (!keyApplies(name, req)) continue;
    if (k.principal && !req.principal) continue;
    if (k.service && !req.service) continue;
    // principal-derived keys are present most of the time, the rest about half the time
    const p = k.principal || k.service ? 0.8 : (name === 'aws:SecureTransport' || name === 'aws:CurrentTime' || name === 'aws:EpochTime' ? 0.75 : 0.5);
    if (!g.chance(p)) continue;
    const v = k.ctx(req, g);
    if (v === undefined) continue;
    ctx[name] = v;
  }
  if (opts.endpoint && !ctx['aws:SourceVpce'] && g.chance(0.9)) ctx['aws:SourceVpce'] = 'vpce-1a2b3c4d';
  if (ctx['aws:RequestTag/x'] !== undefined && g.chance(0.3)) ctx['aws:RequestTag/x'] = g.pick(BINARY_VALUES);
  // a key spelled in another case now and then: context key names are case-insensitive
  if (g.chance(0.05)) {
    const names = Object.keys(ctx);
    if (names.length) {
      const n = g.pick(names);
      const v = ctx[n];
      delete ctx[n];
      ctx[n.toLowerCase()] = v;
    }
  }
  return ctx;
}

// ---------------------------------------------------------------- case

export function generateCase(seed, index, { quirks = false } = {}) {
  const g = new Rng(`moat-compare:${seed}:${index}`);
  const tags = new Set();
  const opts = { quirks, tags };
  const req = genRequest(g, quirks, tags);
  const authenticated = !!req.principal;
  const human = authenticated; // identity-side policies need an IAM principal
  const canSession = req.principal && ['role', 'session', 'federated'].includes(req.principal.kind);

  const hasEndpoint = req.resource !== '*' && g.chance(0.1);
  // A federated user's session without a session policy has no permissions
  // (GetFederationToken); the peer gives it its user's: a quirk.
  const federated = canSession && req.principal.kind === 'federated';
  const hasSession = canSession && (federated && !quirks ? true : g.chance(federated ? 0.6 : 0.22));
  if (federated && !hasSession) tags.add('federated-user-without-session-policy');
  req.sessionPolicy = hasSession;
  const ctx = genContext(g, req, { endpoint: hasEndpoint });

  const c = { name: '' };
  c.request = {
    action: req.action,
    resource: { resource: req.resource, accountId: req.resourceAccount },
    principal: req.anonymous ? { type: 'Anonymous' } : (req.service ?? req.principal.arn),
    context: ctx,
  };

  if (human) {
    const nPol = g.weighted([[12, 0], [50, 1], [28, 2], [10, 3]]);
    c.identityPolicies = [];
    for (let i = 0; i < nPol; i++) {
      const n = g.weighted([[40, 1], [30, 2], [20, 3], [10, 4]]);
      const sts = Array.from({ length: n }, () => genStatement(g, req, ctx, 'identity', opts));
      c.identityPolicies.push(named(g, `identity-${i + 1}`, policy(g, sts)));
    }
  } else {
    c.identityPolicies = [];
  }

  const wantsResourcePolicy = req.resource !== '*' && g.chance(req.anonymous || req.service ? 0.95 : req.principalAccount !== req.resourceAccount ? 0.85 : 0.55);
  if (wantsResourcePolicy) {
    const n = g.weighted([[35, 1], [35, 2], [20, 3], [10, 4]]);
    c.resourcePolicy = policy(g, Array.from({ length: n }, () => genStatement(g, req, ctx, 'resource', opts)));
  }

  if (human && g.chance(0.18)) {
    const n = g.weighted([[60, 1], [30, 2], [10, 3]]);
    c.permissionBoundaries = [named(g, 'boundary', policy(g, Array.from({ length: n }, () => genStatement(g, req, ctx, 'boundary', opts))))];
  }

  if (human && g.chance(0.3)) {
    c.serviceControlPolicies = orgLevels(g, req, ctx, opts, genScpLevel);
  } else if (req.service && quirks && g.chance(0.2)) {
    c.serviceControlPolicies = orgLevels(g, req, ctx, opts, genScpLevel);
    tags.add('scp-on-service-principal');
  }

  if (req.resource !== '*' && g.chance(0.25)) {
    c.resourceControlPolicies = orgLevels(g, req, ctx, opts, genRcpLevel);
  }

  if (hasSession) {
    const n = g.weighted([[60, 1], [30, 2], [10, 3]]);
    c.sessionPolicy = policy(g, Array.from({ length: n }, () => genStatement(g, req, ctx, 'session', opts)));
    if (quirks && c.resourcePolicy && req.principal.kind === 'session' && g.chance(0.3)) {
      c.resourcePolicy.Statement = [c.resourcePolicy.Statement].flat();
      c.resourcePolicy.Statement.push({ Effect: 'Allow', Principal: { AWS: req.principal.arn }, Action: `s3:${req.actionName}`, Resource: req.resource });
      tags.add('resource-policy-names-session');
    }
  }

  if (hasEndpoint) {
    const n = g.weighted([[60, 1], [30, 2], [10, 3]]);
    c.endpointPolicies = [named(g, 'vpce-1a2b3c4d', policy(g, Array.from({ length: n }, () => genStatement(g, req, ctx, 'endpoint', opts))))];
  }

  settleDivergences(c, req, quirks, tags);
  const suffix = [...tags].sort().map((t) => `~quirk-${t}`).join('');
  c.name = `rand-s${seed}-${String(index).padStart(6, '0')}${suffix}`;
  return c;
}

export function generateCases(n, seed, opts) {
  return Array.from({ length: n }, (_, i) => generateCase(seed, i, opts));
}

// One case per line inside a JSON array: valid JSON, and diff/grep friendly.
export function casesToJson(cases) {
  return '[\n' + cases.map((c) => JSON.stringify(c)).join(',\n') + '\n]\n';
}

// ---------------------------------------------------------------- CLI

function parseArgs(argv) {
  const out = { n: 10000, seed: '1', quirks: false, output: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--n' || a === '-n') out.n = Number(argv[++i]);
    else if (a === '--seed' || a === '-s') out.seed = argv[++i];
    else if (a === '--quirks') out.quirks = true;
    else if (a === '-o' || a === '--output') out.output = argv[++i];
    else if (a === '-h' || a === '--help') {
      console.log('usage: node generate.mjs [--n N] [--seed SEED] [--quirks] [-o FILE]');
      process.exit(0);
    } else { console.error(`unknown argument: ${a}`); process.exit(2); }
  }
  if (!Number.isInteger(out.n) || out.n < 0) { console.error('--n must be a non-negative integer'); process.exit(2); }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  const json = casesToJson(generateCases(args.n, args.seed, { quirks: args.quirks }));
  if (args.output) writeFileSync(args.output, json);
  else process.stdout.write(json);
}
