// node --test scripts/bench/
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEADER, insertRun, renderRun, RUNS_MARKER } from './report.mjs';

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
  const ceiling = result(8000, {
    serverCpuUs: 80,
    cpu: { wall: 10, seconds: { server: 9, postgres: 4, loadgen: 3, other } },
  });
  return {
    date,
    commit: 'abc1234',
    machine: { cores: 2, cpu: 'Test CPU', ramGiB: '8.0', os: 'Linux', node: 'v20', postgres: '15' },
    settings: { connections: 10, warmup: 3, duration: 10, rounds: 3 },
    rows: [
      { endpoint: 'GET /api/auth/me', server: 'CommPro', result: me },
      { endpoint: 'POST /api/auth/login', server: 'CommPro', result: login },
      { endpoint: 'GET /api/auth/me', server: 'ceiling', result: ceiling },
    ],
    me,
    login,
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
