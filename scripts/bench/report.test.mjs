// node --test scripts/bench/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CONTACTS_P99_MS,
  HEADER,
  insertRun,
  renderContacts,
  renderLatency,
  renderRun,
  RUNS_MARKER,
  slowKinds,
} from './report.mjs';

const result = (rps, extra = {}) => ({
  rps,
  rpsRounds: [rps],
  p50: 1.234,
  p99: 12.5,
  requests: 1000,
  failures: 0,
  serverCpuUs: 150,
  cpu: { wall: 10, seconds: { server: 9, postgres: 4, loadgen: 3, other: 0.2 } },
  ...extra,
});

function run(date, other = 0.2) {
  const me = result(4000);
  const login = result(150, { serverCpuUs: 9000 });
  const webhook = result(600, { p50: 15.25, p99: 40.5, serverCpuUs: 1200 });
  const socket = {
    messages: 600,
    socket: { p50: 3.456, p99: 9.5, max: 25, p50Rounds: [3.4, 3.5, 3.456] },
    answer: { p50: 4.5, p99: 11, max: 30.25, p50Rounds: [4.4, 4.5, 4.6] },
  };
  const ceiling = result(8000, {
    serverCpuUs: 80,
    cpu: { wall: 10, seconds: { server: 9, postgres: 4, loadgen: 3, other } },
  });
  return {
    date,
    commit: 'abc1234',
    machine: { cores: 2, cpu: 'Test CPU', ramGiB: '8.0', os: 'Linux', node: 'v20', postgres: '15' },
    settings: { connections: 10, warmup: 3, duration: 10, rounds: 3, socketMessages: 200, socketRate: 50 },
    rows: [
      { endpoint: 'GET /api/auth/me', server: 'CommPro', result: me },
      { endpoint: 'POST /api/auth/login', server: 'CommPro', result: login },
      { endpoint: 'POST /api/messages/webhooks/incoming', server: 'CommPro', result: webhook },
      { endpoint: 'GET /api/auth/me', server: 'ceiling', result: ceiling },
    ],
    me,
    login,
    webhook,
    socket,
    ceiling,
    argon2: { sequential: 50, parallel: 95, cpuMsSequential: 20, cpuMsParallel: 21, other: 0 },
    ratio: 0.5,
    ratios: [0.5, 0.49, 0.52],
  };
}

test('a first run creates the page: header, then the run under the marker', () => {
  const page = insertRun(undefined, renderRun(run('2030-01-01T00:00:00.000Z')));
  assert.ok(page.startsWith(HEADER));
  assert.match(page, /### 2030-01-01T00:00:00.000Z/);
  assert.match(page, /me\/ceiling = 0\.50/);
  assert.match(
    page,
    /\| `GET \/api\/auth\/me` \| CommPro \| 4000 \| 4000 \| 1\.23 \| 12\.5 \| 1000 \| 0 \| 150 \| 90 \/ 40 \/ 30 \/ 2 \|/,
  );
  assert.doesNotMatch(page, /Other processes used up to/);
});

test('a later run goes on top of the Runs list and keeps every earlier one and any edit to the header', () => {
  let page = insertRun(undefined, renderRun(run('2030-01-01T00:00:00.000Z')));
  page = page.replace('# Performance', '# Performance\n\nA note written by hand.');
  page = insertRun(page, renderRun(run('2030-02-01T00:00:00.000Z')));
  const newer = page.indexOf('### 2030-02-01');
  const older = page.indexOf('### 2030-01-01');
  assert.ok(page.indexOf(RUNS_MARKER) < newer && newer < older);
  assert.match(page, /A note written by hand\./);
  assert.equal(page.split(RUNS_MARKER).length, 2);
  assert.ok(page.endsWith('\n') && !page.endsWith('\n\n'));
});

test('a page without the marker is kept whole and gets a Runs list at its end', () => {
  const page = insertRun('# Performance\n\nOld notes.\n', renderRun(run('2030-03-01T00:00:00.000Z')));
  assert.ok(page.startsWith('# Performance\n\nOld notes.\n\n## Runs\n\n'));
  assert.ok(page.indexOf(RUNS_MARKER) < page.indexOf('### 2030-03-01'));
});

test('a run disturbed by other processes says so', () => {
  assert.match(renderRun(run('2030-04-01T00:00:00.000Z', 6)), /Other processes used up to 60 % of a core/);
});

test('inbound webhooks get a row of the table, a latency table and a paragraph', () => {
  const section = renderRun(run('2030-05-01T00:00:00.000Z'));
  assert.match(
    section,
    /\| `POST \/api\/messages\/webhooks\/incoming` \| CommPro \| 600 \| 600 \| 15\.3 \| 40\.5 \| 1000 \| 0 \| 1200 \| 90 \/ 40 \/ 30 \/ 2 \|/,
  );
  assert.match(
    section,
    /\| inbound webhook sent → `message:new` on the owner's socket \| 600 \| 50 \| 3\.46 \| 9\.50 \| 25\.0 \| 3\.40, 3\.50, 3\.46 \|/,
  );
  assert.match(
    section,
    /\| inbound webhook sent → its HTTP answer \(the same requests\) \| 600 \| 50 \| 4\.50 \| 11\.0 \| 30\.3 \|/,
  );
  assert.match(section, /200 messages \(after 20 not counted\) at 50\/s/);
  assert.match(section, /Inbound webhooks: 600\/s with 10 connections/);
  assert.match(section, /Each costs 1200 µs of server CPU \(8\.0× a `\/me`\) and 4000 µs of PostgreSQL CPU/);
  assert.match(section, /the event is emitted before the `webhook_logs` update/);
  // The latency table comes right after the main table.
  assert.ok(section.indexOf('| Latency |') > section.indexOf('| `GET /api/auth/me` | ceiling |'));
});

test('the latency table alone', () => {
  const table = renderLatency(
    {
      messages: 3,
      socket: { p50: 1, p99: 2, max: 150, p50Rounds: [1] },
      answer: { p50: 1.5, p99: 2.5, max: 3, p50Rounds: [1.5] },
    },
    { socketRate: 20 },
  );
  assert.equal(table.split('\n').length, 4);
  assert.match(table, /\| 3 \| 20 \| 1\.00 \| 2\.00 \| 150 \| 1\.00 \|/);
});

test('a run recorded before webhooks were measured still renders', () => {
  const old = run('2030-06-01T00:00:00.000Z');
  delete old.webhook;
  delete old.socket;
  old.rows.splice(2, 1);
  const section = renderRun(old);
  assert.doesNotMatch(section, /webhook/i);
});

const stats = (p50, p99, n = 60) => ({ n, p50, p95: (p50 + p99) / 2, p99, max: p99 + 1 });

function contactsResult(numberP99) {
  const usage = { wall: 10, seconds: { server: 5, postgres: 8, loadgen: 1, other: 0.1 } };
  const query = (kind, label, total, p99, top) => ({
    kind,
    label,
    search: kind !== 'list',
    total,
    returned: Math.min(50, total),
    top,
    first: 30,
    sequential: stats(5, p99),
    load: stats(12, p99 * 2),
    statements: [
      { what: 'rows', ms: p99 / 2, planningMs: 0.2, summary: 'Limit 50 rows [Seq Scan on contacts | x]' },
      { what: 'count', ms: p99 / 3, planningMs: 0.1, summary: 'Aggregate 1 rows' },
    ],
  });
  const queries = [
    query('prefix', '"hele"', 997, 14.5, ['Hélène', 'Hélène Aubert']),
    query('number', '"+33 6"', 17773, numberP99, ['Adrián Torres']),
    query('list', '(no search)', 100000, 11, ['Acme Corp']),
  ];
  return {
    seed: { count: 100000, viaApi: 5000, apiSeconds: 1.5, sqlSeconds: 7.8, tableMiB: 30, totalMiB: 62 },
    passes: 60,
    connections: 4,
    limit: 50,
    queries,
    kinds: queries.map((q) => ({ kind: q.kind, search: q.search, sequential: q.sequential, load: q.load })),
    overall: { sequential: stats(6, Math.max(14.5, numberP99), 120), load: stats(13, numberP99 * 2, 300) },
    rps: 53.4,
    loadRequests: 534,
    cpu: { sequential: usage, load: usage },
  };
}

test('contacts search: a missed requirement says so and names the slow kinds', () => {
  const text = renderContacts(contactsResult(436), { warmup: 3, duration: 10 });
  assert.match(text, /#### Contacts search: 100000 contacts for one user/);
  assert.match(
    text,
    /\*\*Requirement, a search answers in under 50 ms at p99 \(one connection\): NOT met: p99 over every search 436 ms \(kinds at or over 50 ms: number\); slowest kinds: number 436 ms, prefix 14\.5 ms\.\*\*/,
  );
  assert.match(text, /5000 through `POST \/api\/contacts\/sync` \(1\.5 s\), 95000 inserted with SQL/);
  assert.match(
    text,
    /\| number \| "\+33 6" \| 17773 \| Adrián Torres \| 30\.0 \| 5\.00 \| 221 \| 436 \| 437 \| 12\.0 \/ 872 \| 218 \/ 145 \|/,
  );
  assert.match(text, /\| list \(no search\) \| 60 \|/);
  assert.match(text, /\| \*\*every search\*\* \| 120 \|/);
  // A pipe inside a plan does not break the table.
  assert.match(text, /Seq Scan on contacts \\\| x/);
  assert.doesNotMatch(text, /Other processes used/);
});

test('contacts search: a met requirement, and the slow kinds against a limit', () => {
  const result = contactsResult(30);
  assert.match(
    renderContacts(result, { warmup: 3, duration: 10 }),
    /\(one connection\): met: p99 over every search 30\.0 ms; slowest/,
  );
  assert.deepEqual(slowKinds(result.kinds, CONTACTS_P99_MS), []);
  assert.deepEqual(slowKinds(result.kinds, 12), ['number', 'prefix']);
});

test('a run of the contacts search alone renders without the other tables', () => {
  const only = run('2030-07-01T00:00:00.000Z');
  for (const key of ['rows', 'me', 'login', 'webhook', 'socket', 'ceiling', 'argon2', 'ratio', 'ratios'])
    delete only[key];
  only.contacts = contactsResult(436);
  const section = renderRun(only);
  assert.match(section, /BENCH_ONLY=contacts/);
  assert.match(section, /#### Contacts search/);
  assert.doesNotMatch(section, /me\/ceiling/);
  const both = run('2030-07-02T00:00:00.000Z');
  both.contacts = contactsResult(30);
  const full = renderRun(both);
  assert.ok(full.indexOf('me/ceiling') < full.indexOf('#### Contacts search'));
});
