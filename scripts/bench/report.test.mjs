// node --test scripts/bench/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADER, insertRun, renderLatency, renderRun, RUNS_MARKER } from './report.mjs';

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
