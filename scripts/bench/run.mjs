// `npm run bench`: the real server against a fresh PostgreSQL database, /me, /login and signed
// inbound carrier webhooks under autocannon, the webhook-to-socket latency at a fixed rate, then
// the bare "ceiling" server (ceiling-server.mjs) under the same /me load; prints markdown tables
// and records the run in docs/PERFORMANCE.md. Settings: see that file.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { io } from 'socket.io-client';
import {
  CONTACT_QUERIES,
  contactsPath,
  generateContacts,
  isSearch,
  latencyStats,
  queryLabel,
  summarizePlan,
} from './contacts.mjs';
import { addUsage, cpuAccountingAvailable, describeUsage, neighbourLoad, snapshot, usage } from './cpu.mjs';
import {
  busiestNeighbour,
  DISTURBED_PERCENT,
  insertRun,
  renderContacts,
  renderLatency,
  renderRatio,
  renderRun,
  renderTable,
} from './report.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SERVER_MAIN = path.join(ROOT, 'apps/server/dist/main.js');
const PASSWORD_MODULE = path.join(ROOT, 'apps/server/dist/modules/auth/password.js');
const SIGNATURE_MODULE = path.join(ROOT, 'apps/server/dist/providers/carrier/twilio-signature.js');
const SANDBOX_MESSAGING_MODULE = path.join(ROOT, 'apps/server/dist/providers/carrier/sandbox/sandbox-messaging.js');
const SEARCH_TEXT_MODULE = path.join(ROOT, 'apps/server/dist/modules/contacts/search-text.js');
const CONTACTS_REPOSITORY_MODULE = path.join(ROOT, 'apps/server/dist/modules/contacts/contacts.repository.js');
const CONTACTS_SERVICE_MODULE = path.join(ROOT, 'apps/server/dist/modules/contacts/contacts.service.js');
const SCHEMA_MODULE = path.join(ROOT, 'apps/server/dist/platform/db/schema.js');
const WEBHOOK_PATH = '/api/messages/webhooks/incoming';
const CEILING_MAIN = fileURLToPath(new URL('./ceiling-server.mjs', import.meta.url));
const DOC = path.join(ROOT, 'docs/PERFORMANCE.md');

class BenchError extends Error {}

function intSetting(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BenchError(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

const log = (message) => console.log(`[bench] ${message}`);

// ---------------------------------------------------------------- cleanup

/** Undo actions, run last-in first-out once, on success, failure or Ctrl-C. */
const undo = [];
async function cleanUp() {
  let failed = false;
  while (undo.length) {
    const { what, run } = undo.pop();
    try {
      await run();
    } catch (error) {
      failed = true;
      console.error(`[bench] clean-up failed (${what}): ${error instanceof Error ? error.message : error}`);
    }
  }
  return !failed;
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping`);
    void cleanUp().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------- machine

function machineInfo() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown CPU';
  return {
    cores: os.availableParallelism(),
    cpu: model,
    ramGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
  };
}

function gitCommit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    return dirty.trim() ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

/**
 * How fast this machine verifies CommPro's password hashes (the real module, so the real
 * parameters): one at a time, and one per core at once; with the CPU each verification costs
 * (all threads of this process) and how much of the CPU other processes took meanwhile.
 */
async function calibrateArgon2(cores) {
  const { hashPassword, verifyPassword } = await import(pathToFileURL(PASSWORD_MODULE).href);
  const password = 'calibration password of a realistic length';
  const hash = await hashPassword(password);
  const measureRate = async (parallel, seconds) => {
    for (let i = 0; i < parallel; i++) await verifyPassword(hash, password); // warm-up
    let done = 0;
    const cpuBefore = process.cpuUsage();
    const procBefore = snapshot();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const lane = async () => {
      while (performance.now() < deadline) {
        if (!(await verifyPassword(hash, password))) throw new BenchError('argon2 calibration: verify failed');
        done++;
      }
    };
    await Promise.all(Array.from({ length: parallel }, lane));
    const wall = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const use = usage(procBefore, snapshot(), undefined, undefined);
    return {
      rate: done / wall,
      cpuMs: (cpu.user + cpu.system) / 1000 / done,
      other: use ? (100 * use.seconds.other) / use.wall : 0,
    };
  };
  const one = await measureRate(1, 3);
  const all = await measureRate(cores, 3);
  return {
    sequential: one.rate,
    parallel: all.rate,
    cpuMsSequential: one.cpuMs,
    cpuMsParallel: all.cpuMs,
    other: Math.max(one.other, all.other),
  };
}

// ---------------------------------------------------------------- database

async function createDatabase(adminUrl) {
  const name = `commpro_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect().catch((error) => {
    throw new BenchError(`cannot reach PostgreSQL at ${redact(adminUrl)}: ${error.message}`);
  });
  try {
    const { rows } = await admin.query('show server_version');
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    if (process.env.BENCH_KEEP_DATABASE === '1') {
      log(`BENCH_KEEP_DATABASE=1: ${name} stays after the run (drop it yourself: drop database ${name})`);
      return { name, url: url.toString(), version: rows[0].server_version };
    }
    undo.push({
      what: `drop database ${name}`,
      run: async () => {
        const client = new pg.Client({ connectionString: adminUrl });
        await client.connect();
        try {
          await client.query(`drop database if exists ${name} with (force)`);
        } finally {
          await client.end();
        }
      },
    });
    return { name, url: url.toString(), version: rows[0].server_version };
  } finally {
    await admin.end();
  }
}

function redact(url) {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

// ---------------------------------------------------------------- processes

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * A server as a child process; its output is kept (the tail) for the failure report. `env` may be
 * a function of the server's base URL (for PUBLIC_URL, which webhook signatures cover).
 */
async function startServer(label, script, env) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const nodeFlags = process.env.BENCH_CPU_PROF
    ? [
        '--cpu-prof',
        `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`,
        `--cpu-prof-name=${label}.cpuprofile`,
      ]
    : [];
  const child = spawn(process.execPath, [...nodeFlags, script], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(typeof env === 'function' ? env(base) : env),
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const server = { label, port, base, child, output: [], lines: 0, exit: undefined };
  const keep = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      server.lines++;
      server.output.push(line);
      if (server.output.length > 40) server.output.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  server.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      server.exit = { code, signal };
      resolve(server.exit);
    }),
  );
  undo.push({ what: `stop ${label}`, run: () => stopServer(server) });

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exit) throw new BenchError(`${label} exited during start (${describeExit(server.exit)})${tail(server)}`);
    try {
      const response = await fetch(`${server.base}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new BenchError(`${label} did not become healthy within 60 s${tail(server)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(`${label} ready on ${server.base} (pid ${child.pid})`);
  return server;
}

const describeExit = ({ code, signal }) => (signal ? `signal ${signal}` : `code ${code}`);
const tail = (server) =>
  server.output.length ? `\n--- last output of ${server.label} ---\n${server.output.join('\n')}` : '';

/** SIGTERM, and a clean exit within the server's own grace period; SIGKILL and an error otherwise. */
async function stopServer(server) {
  const index = undo.findIndex((u) => u.what === `stop ${server.label}`);
  if (index !== -1) undo.splice(index, 1);
  if (!server.exit) {
    server.child.kill('SIGTERM');
    const timer = new Promise((resolve) => setTimeout(resolve, 15_000, 'timeout'));
    if ((await Promise.race([server.exited, timer])) === 'timeout') {
      server.child.kill('SIGKILL');
      await server.exited;
      throw new BenchError(`${server.label} did not stop within 15 s of SIGTERM; killed`);
    }
  }
  if (server.exit.code !== 0) {
    throw new BenchError(`${server.label} stopped badly (${describeExit(server.exit)})${tail(server)}`);
  }
  log(`${server.label} stopped`);
}

// ---------------------------------------------------------------- HTTP + load

async function call(server, method, url, { token, body, timeoutMs = 10_000 } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${server.base}${url}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

async function expectStatus(server, status, method, url, options) {
  const response = await call(server, method, url, options);
  if (response.status !== status) {
    throw new BenchError(
      `${method} ${url} on ${server.label}: expected ${status}, got ${response.status}: ${response.text.slice(0, 500)}`,
    );
  }
  return response.json;
}

/**
 * On a shared machine, waits (up to BENCH_QUIET_WAIT seconds) until other processes leave the
 * CPU to the bench; measures anyway after that, and the report flags the disturbance.
 */
async function awaitQuiet(serverPid, settings) {
  if (!cpuAccountingAvailable || settings.quietWait === 0) return;
  const deadline = Date.now() + settings.quietWait * 1000;
  for (let waited = false; ; waited = true) {
    const other = await neighbourLoad(2, serverPid, settings.database);
    if (other < DISTURBED_PERCENT) {
      if (waited) log('the machine is quiet again');
      return;
    }
    if (Date.now() >= deadline) {
      log(`other processes still use ${other.toFixed(0)} % of a core after ${settings.quietWait} s; measuring anyway`);
      return;
    }
    if (!waited)
      log(`other processes use ${other.toFixed(0)} % of a core; waiting up to ${settings.quietWait} s for quiet`);
  }
}

/**
 * The user's /me document once the logins autocannon left in flight at the end of its run have
 * landed (each moves last_login), so the ceiling can be checked against it byte for byte.
 */
async function settledDocument(server, token) {
  const deadline = Date.now() + 15_000;
  let previous = await expectStatus(server, 200, 'GET', '/api/auth/me', { token });
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const current = await expectStatus(server, 200, 'GET', '/api/auth/me', { token });
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    if (Date.now() > deadline) throw new BenchError(`${server.label}: /me kept changing 15 s after the last login run`);
    previous = current;
  }
}

/** Warm-up (discarded), then the measured run; any error, timeout or non-2xx fails the bench. */
async function measure(server, name, request, settings) {
  const base = {
    url: `${server.base}${request.path}`,
    method: request.method,
    headers: request.headers,
    body: request.body,
    // A request rebuilt each time (a fresh, signed webhook): autocannon calls setupRequest per request.
    ...(request.setupRequest ? { requests: [{ setupRequest: request.setupRequest }] } : {}),
    connections: settings.connections,
    pipelining: 1,
    timeout: 30,
  };
  const check = (result, phase) => {
    const failures = result.errors + result.timeouts + result.non2xx + result.mismatches + result.resets;
    // A warm-up may end before the first slow answer (a login on a busy machine); a measurement may not.
    if (failures > 0 || (phase === 'measured' && result['2xx'] === 0)) {
      const codes = Object.entries(result.statusCodeStats)
        .map(([code, { count }]) => `${code}×${count}`)
        .join(', ');
      throw new BenchError(
        `${name} on ${server.label} (${phase}): ${result['2xx']} ok, ${result.errors} errors, ${result.timeouts} timeouts, ` +
          `${result.non2xx} non-2xx, ${result.resets} resets [status ${codes || 'none'}]${tail(server)}`,
      );
    }
    return failures;
  };
  await awaitQuiet(server.child.pid, settings);
  let warmupOk = 0;
  if (settings.warmup > 0) {
    log(`${name} on ${server.label}: warm-up ${settings.warmup} s`);
    const warmup = await autocannon({ ...base, duration: settings.warmup });
    check(warmup, 'warm-up');
    warmupOk = warmup['2xx'];
  }
  log(`${name} on ${server.label}: measuring ${settings.duration} s`);
  const linesBefore = server.lines;
  // autocannon's own histogram keeps whole milliseconds; its 'response' event has the exact time.
  const latencies = [];
  const cpuBefore = snapshot();
  const instance = autocannon({ ...base, duration: settings.duration });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
  });
  const result = await instance;
  const cpu = usage(cpuBefore, snapshot(), server.child.pid, settings.database);
  const failures = check(result, 'measured');
  if (server.exit) throw new BenchError(`${server.label} exited during the run${tail(server)}`);
  const round = {
    rps: result.requests.mean,
    latencies,
    requests: result['2xx'],
    warmupOk,
    failures,
    logLines: server.lines - linesBefore,
    cpu,
  };
  const { p50, p99 } = percentiles(latencies);
  log(
    `${name} on ${server.label}: ${round.rps.toFixed(1)} req/s, p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, ` +
      `${round.requests} requests, ${failures} failures; CPU % of a core (server / postgres / load gen / other): ${describeUsage(cpu)}`,
  );
  return round;
}

function percentiles(latencies) {
  const sorted = Float64Array.from(latencies).sort();
  const at = (p) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
  return { p50: at(0.5), p99: at(0.99) };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Rounds → one row: median req/s, percentiles over every latency of every round, sums of the rest. */
function combine(rounds) {
  const { p50, p99 } = percentiles(rounds.flatMap((r) => r.latencies));
  const cpu = rounds.reduce((total, r) => addUsage(total, r.cpu), undefined);
  const requests = rounds.reduce((n, r) => n + r.requests, 0);
  return {
    rps: median(rounds.map((r) => r.rps)),
    rpsRounds: rounds.map((r) => r.rps),
    p50,
    p99,
    requests,
    failures: rounds.reduce((n, r) => n + r.failures, 0),
    logLines: rounds.reduce((n, r) => n + r.logLines, 0),
    cpu,
    // Microseconds of the server process's CPU per answered request: insensitive to how busy the machine was.
    serverCpuUs: cpu ? (cpu.seconds.server * 1e6) / requests : undefined,
  };
}

// ---------------------------------------------------------------- inbound webhooks

const ACCOUNT_SID = 'ACbench0000000000000000000000000000';
/** The outside number that texts the bench's line (a valid French mobile number). */
const SENDER = '+33612345678';
const SID_PREFIX = randomBytes(6).toString('hex');
let sidCount = 0;

/**
 * Twilio-shaped inbound webhooks to `line`, signed as the sandbox carrier signs them (Twilio's
 * algorithm, keyed by the instance's JWT secret, over PUBLIC_URL + path). Every one has a MessageSid
 * never used before: a replayed sid is a no-op by design and would not measure anything.
 */
async function webhookFactory(server, jwtSecret, line) {
  const { signTwilioRequest } = await import(pathToFileURL(SIGNATURE_MODULE).href);
  const { sandboxWebhookToken } = await import(pathToFileURL(SANDBOX_MESSAGING_MODULE).href);
  const token = sandboxWebhookToken(jwtSecret);
  const url = `${server.base}${WEBHOOK_PATH}`; // PUBLIC_URL is the server's base URL
  let built = 0;
  return {
    /** How many webhooks were built: an upper bound of what the server may have stored. */
    get built() {
      return built;
    },
    build(body) {
      built++;
      const sid = `SM${SID_PREFIX}${(sidCount++).toString(16).padStart(20, '0')}`;
      const params = {
        MessageSid: sid,
        SmsSid: sid,
        AccountSid: ACCOUNT_SID,
        From: SENDER,
        To: line,
        Body: body,
        NumMedia: '0',
        NumSegments: '1',
        SmsStatus: 'received',
        ApiVersion: '2010-04-01',
      };
      return {
        body: new URLSearchParams(params).toString(),
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signTwilioRequest(token, url, params),
        },
      };
    },
  };
}

/** Inbound messages stored for `line` (read straight from the bench database). */
async function storedInbound(databaseUrl, line) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select count(*)::int as n from messages where to_number = $1 and direction = 'INBOUND'`,
      [line],
    );
    return rows[0].n;
  } finally {
    await client.end();
  }
}

/**
 * A 200 for an inbound webhook does not prove it was stored (a number that is not an active line is
 * acknowledged without storing anything): once the requests still in flight have landed, every
 * answered webhook must be in the messages table, and nothing more than was sent.
 */
async function checkStored(databaseUrl, line, { before, answered, built }) {
  const deadline = Date.now() + 15_000;
  let previous = -1;
  for (;;) {
    const stored = (await storedInbound(databaseUrl, line)) - before;
    if (stored === previous && stored >= answered) {
      if (stored > built) throw new BenchError(`${stored} inbound messages stored, but only ${built} webhooks sent`);
      return stored;
    }
    if (Date.now() > deadline) {
      throw new BenchError(`${answered} inbound webhooks answered 2xx, but only ${stored} messages stored after 15 s`);
    }
    previous = stored;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** One form POST on a keep-alive agent: the status and the milliseconds until the whole answer arrived. */
function postForm(agent, server, { body, headers }) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: WEBHOOK_PATH,
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve({ status: response.statusCode, ms: performance.now() - start }));
      },
    );
    request.once('timeout', () => request.destroy(new Error('timed out after 10 s')));
    request.once('error', reject);
    request.end(body);
  });
}

/**
 * Webhook → socket latency: the line owner's socket.io client is connected; signed webhooks are
 * sent at a fixed rate, open loop (each on time, whether or not the previous one was answered),
 * far below saturation; each one's Body carries a unique marker, and the time from sending the
 * request to receiving the `message:new` that carries the marker is recorded, as is the time to
 * the HTTP answer. The first `warm` messages are not counted.
 */
async function measureSocketLatency(server, { token, webhooks }, settings, round) {
  const warm = Math.min(20, settings.socketMessages);
  const total = warm + settings.socketMessages;
  await awaitQuiet(server.child.pid, settings);
  log(
    `webhook → socket on ${server.label}: ${settings.socketMessages} messages at ${settings.socketRate}/s ` +
      `(after ${warm} not counted)`,
  );
  const socket = io(server.base, { auth: { token }, transports: ['websocket'], reconnection: false });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new BenchError('the socket did not connect within 10 s')), 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        reject(new BenchError(`socket connection refused: ${error.message}`));
      });
    });
    const sentAt = new Map();
    const socketMs = [];
    const httpMs = [];
    socket.on('message:new', (message) => {
      const marker = /\[bench (\d+)-(\d+)\]/.exec(message?.body ?? '');
      if (!marker || Number(marker[1]) !== round) return;
      const i = Number(marker[2]);
      const at = sentAt.get(i);
      if (at === undefined) return;
      sentAt.delete(i);
      if (i >= warm) socketMs.push(performance.now() - at);
    });
    const interval = 1000 / settings.socketRate;
    const requests = [];
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const webhook = webhooks.build(`Are we still on for 6 pm? [bench ${round}-${i}]`);
      sentAt.set(i, performance.now());
      requests.push(
        postForm(agent, server, webhook).then(({ status, ms }) => {
          if (status !== 200) throw new BenchError(`webhook ${i}: HTTP ${status}${tail(server)}`);
          if (i >= warm) httpMs.push(ms);
        }),
      );
    }
    await Promise.all(requests);
    // The arrival times were taken by the event handler; this only waits for the last ones.
    const deadline = Date.now() + 10_000;
    while (sentAt.size > 0) {
      if (Date.now() > deadline) {
        throw new BenchError(
          `${sentAt.size} of ${total} messages never reached the owner's socket (10 s after the last)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const result = { socketMs, httpMs, sent: settings.socketMessages, seconds: (performance.now() - start) / 1000 };
    const s = percentiles(socketMs);
    const h = percentiles(httpMs);
    log(
      `webhook → socket: p50 ${s.p50.toFixed(2)} ms, p99 ${s.p99.toFixed(2)} ms; ` +
        `webhook → HTTP answer: p50 ${h.p50.toFixed(2)} ms, p99 ${h.p99.toFixed(2)} ms`,
    );
    return result;
  } finally {
    socket.close();
    agent.destroy();
  }
}

/** Latency rounds → percentiles over every message of every round, and each round's p50. */
function combineLatency(rounds) {
  const all = (key) => rounds.flatMap((r) => r[key]);
  const socket = percentiles(all('socketMs'));
  const answer = percentiles(all('httpMs'));
  return {
    messages: rounds.reduce((n, r) => n + r.sent, 0),
    socket: { ...socket, max: Math.max(...all('socketMs')), p50Rounds: rounds.map((r) => percentiles(r.socketMs).p50) },
    answer: { ...answer, max: Math.max(...all('httpMs')), p50Rounds: rounds.map((r) => percentiles(r.httpMs).p50) },
  };
}

// ---------------------------------------------------------------- contacts search

/** Contacts written through `POST /api/contacts/sync` (one call); the rest go straight into the table. */
const CONTACTS_THROUGH_API = 5000;
const CONTACTS_SEED = 20261124;
const CONTACTS_LIMIT = 50;

/**
 * The rows the contacts service would write for `contacts`: the derived search columns come from
 * the server's own build (search-text.js: fold, searchTextOf, phoneDigitsOf; the contracts'
 * contactDisplayName for sort_name), exactly as contacts.service.ts computes them.
 */
async function contactRowMaker() {
  const { fold, searchTextOf, phoneDigitsOf } = await import(pathToFileURL(SEARCH_TEXT_MODULE).href);
  const { contactDisplayName } = await import('@commpro/contracts');
  return (c) => ({
    phoneNumber: c.phoneNumber,
    firstName: c.firstName,
    lastName: c.lastName,
    email: c.email,
    company: c.company,
    searchText: searchTextOf(c),
    sortName: fold(contactDisplayName(c)),
    phoneDigits: phoneDigitsOf(c.phoneNumber),
  });
}

/**
 * One user's address book of `count` contacts: the first CONTACTS_THROUGH_API through the API (the
 * real import path), the rest inserted with SQL using the same derived columns; then checks that
 * the API-written rows are exactly what this harness computes for them, so the SQL rows are what
 * the service would have written. Tags and favourites are set with SQL for every row (the sync
 * API does not carry them). Ends with VACUUM ANALYZE, as autovacuum would on a live table.
 */
async function seedContacts(app, databaseUrl, count) {
  const { isValidPhoneNumber } = await import('libphonenumber-js/max');
  const rowOf = await contactRowMaker();
  const started = performance.now();
  const contacts = generateContacts(count, CONTACTS_SEED, (n) => isValidPhoneNumber(n));
  const rows = contacts.map(rowOf);
  log(`contacts: ${count} generated (seed ${CONTACTS_SEED}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const credentials = {
    email: `bench-contacts-${randomBytes(4).toString('hex')}@bench.commpro.test`,
    password: `Bench ${randomBytes(9).toString('base64url')}`,
  };
  await expectStatus(app, 201, 'POST', '/api/auth/register', { body: credentials });
  const { accessToken } = await expectStatus(app, 200, 'POST', '/api/auth/login', { body: credentials });
  const me = await expectStatus(app, 200, 'GET', '/api/auth/me', { token: accessToken });
  const userId = me.id;
  if (!userId) throw new BenchError(`/me has no id: ${JSON.stringify(me)}`);

  const viaApi = contacts.slice(0, Math.min(CONTACTS_THROUGH_API, count));
  const apiStart = performance.now();
  const synced = await expectStatus(app, 200, 'POST', '/api/contacts/sync', {
    token: accessToken,
    // 5,000 rows in one transaction: seconds on a busy 2-core machine.
    timeoutMs: 120_000,
    body: {
      contacts: viaApi.map((c) =>
        Object.fromEntries(
          Object.entries(c).filter(([key, value]) => value !== null && key !== 'tags' && key !== 'isFavorite'),
        ),
      ),
    },
  });
  if (synced.imported !== viaApi.length || synced.failed !== 0) {
    throw new BenchError(`contacts sync: ${JSON.stringify(synced).slice(0, 500)}`);
  }
  const apiSeconds = (performance.now() - apiStart) / 1000;

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sqlStart = performance.now();
    const BATCH = 5000;
    for (let i = viaApi.length; i < count; i += BATCH) {
      const batch = contacts.slice(i, i + BATCH);
      const derived = rows.slice(i, i + BATCH);
      const column = (key) => derived.map((r) => r[key]);
      await client.query(
        `insert into contacts (user_id, phone_number, first_name, last_name, email, company, search_text, sort_name,
           phone_digits, tags, is_favorite)
         select $1, p, f, l, e, c, s, o, d, coalesce(string_to_array(nullif(t, ''), ','), '{}'), fav
         from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
           $10::text[], $11::boolean[]) as u(p, f, l, e, c, s, o, d, t, fav)`,
        [
          userId,
          column('phoneNumber'),
          column('firstName'),
          column('lastName'),
          column('email'),
          column('company'),
          column('searchText'),
          column('sortName'),
          column('phoneDigits'),
          batch.map((c) => c.tags.join(',')),
          batch.map((c) => c.isFavorite),
        ],
      );
    }
    await client.query(
      `update contacts set tags = coalesce(string_to_array(nullif(u.t, ''), ','), '{}'), is_favorite = u.fav
       from unnest($2::text[], $3::text[], $4::boolean[]) as u(p, t, fav)
       where user_id = $1 and phone_number = u.p`,
      [userId, viaApi.map((c) => c.phoneNumber), viaApi.map((c) => c.tags.join(',')), viaApi.map((c) => c.isFavorite)],
    );
    const sqlSeconds = (performance.now() - sqlStart) / 1000;

    // The API's rows against this harness's computation: any difference means the SQL rows are not the service's.
    const { rows: written } = await client.query(
      `select phone_number, first_name, last_name, email, company, search_text, sort_name, phone_digits
       from contacts where user_id = $1 and phone_number = any($2::text[])`,
      [userId, viaApi.map((c) => c.phoneNumber)],
    );
    const expected = new Map(rows.slice(0, viaApi.length).map((r) => [r.phoneNumber, r]));
    if (written.length !== viaApi.length) {
      throw new BenchError(`contacts sync wrote ${written.length} rows for ${viaApi.length} contacts`);
    }
    for (const w of written) {
      const e = expected.get(w.phone_number);
      const got = [w.first_name, w.last_name, w.email, w.company, w.search_text, w.sort_name, w.phone_digits];
      const want = [e?.firstName, e?.lastName, e?.email, e?.company, e?.searchText, e?.sortName, e?.phoneDigits];
      if (!e || JSON.stringify(got) !== JSON.stringify(want)) {
        throw new BenchError(
          `the service wrote ${JSON.stringify(got)} for ${w.phone_number}; the harness computes ${JSON.stringify(want)}`,
        );
      }
    }
    const { rows: counted } = await client.query('select count(*)::int as n from contacts where user_id = $1', [
      userId,
    ]);
    if (counted[0].n !== count) throw new BenchError(`${counted[0].n} contacts stored, ${count} expected`);
    const analyzeStart = performance.now();
    await client.query('vacuum analyze contacts');
    const analyzeSeconds = (performance.now() - analyzeStart) / 1000;
    const { rows: size } = await client.query(
      `select pg_total_relation_size('contacts') as total, pg_relation_size('contacts') as heap`,
    );
    log(
      `contacts: ${viaApi.length} through POST /api/contacts/sync (${apiSeconds.toFixed(1)} s), ` +
        `${count - viaApi.length} with SQL (${sqlSeconds.toFixed(1)} s), identical derived columns checked, ` +
        `vacuum analyze ${analyzeSeconds.toFixed(1)} s; table + indexes ${(size[0].total / 2 ** 20).toFixed(0)} MiB`,
    );
    return {
      credentials,
      userId,
      seed: {
        count,
        viaApi: viaApi.length,
        apiSeconds,
        sqlSeconds,
        tableMiB: size[0].heap / 2 ** 20,
        totalMiB: size[0].total / 2 ** 20,
      },
    };
  } finally {
    await client.end();
  }
}

/** One GET on a keep-alive agent: status, parsed body and the milliseconds until the whole answer arrived. */
function getJson(agent, server, urlPath, token) {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: '127.0.0.1',
        port: server.port,
        method: 'GET',
        path: urlPath,
        headers: { authorization: `Bearer ${token}` },
        timeout: 10_000,
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.once('end', () => {
          const ms = performance.now() - start;
          resolve({ status: response.statusCode, ms, text: Buffer.concat(chunks).toString('utf8') });
        });
      },
    );
    request.once('timeout', () => request.destroy(new Error('timed out after 10 s')));
    request.once('error', reject);
    request.end();
  });
}

/**
 * Latency, not throughput: one keep-alive connection, one request at a time, the query list in
 * turn. The first pass is not counted (its times are kept as "first"); every answer must be 200,
 * with the same total each time.
 */
/** A contacts list's `total`, read from the end of the JSON without parsing every contact. */
const totalOf = (text) => Number(/"total":(\d+),"totalCapped":(?:true|false)\}$/.exec(text)?.[1]);

async function measureContactsSequential(app, token, settings) {
  await awaitQuiet(app.child.pid, settings);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const queries = CONTACT_QUERIES.map((q) => ({ ...q, path: contactsPath(q, CONTACTS_LIMIT), ms: [] }));
  log(`contacts search, one connection: ${settings.contactsPasses} passes over ${queries.length} requests`);
  try {
    const cpuBefore = snapshot();
    const start = performance.now();
    for (let pass = 0; pass <= settings.contactsPasses; pass++) {
      for (const q of queries) {
        const { status, ms, text } = await getJson(agent, app, q.path, token);
        if (status !== 200) throw new BenchError(`GET ${q.path}: HTTP ${status}: ${text.slice(0, 300)}${tail(app)}`);
        if (pass === 0) {
          const body = JSON.parse(text);
          q.first = ms;
          q.total = body.total;
          q.returned = body.contacts.length;
          q.top = body.contacts.slice(0, 3).map((c) => c.displayName);
        } else {
          q.ms.push(ms);
          const total = totalOf(text);
          if (total !== q.total) throw new BenchError(`GET ${q.path}: total ${total}, first time ${q.total}`);
        }
      }
    }
    const cpu = usage(cpuBefore, snapshot(), app.child.pid, settings.database);
    return { queries, seconds: (performance.now() - start) / 1000, cpu };
  } finally {
    agent.destroy();
  }
}

/**
 * Under load: autocannon, a few connections, each request the next of the query list; every answer
 * is attributed to its query (the request's context) and its total checked against the first.
 */
async function measureContactsLoad(app, token, totals, settings) {
  await awaitQuiet(app.child.pid, settings);
  const queries = CONTACT_QUERIES.map((q, i) => ({ ...q, path: contactsPath(q, CONTACTS_LIMIT), total: totals[i] }));
  const byQuery = queries.map(() => []);
  let next = 0;
  let current;
  let wrongTotals = 0;
  const base = {
    url: app.base,
    headers: { authorization: `Bearer ${token}` },
    connections: settings.contactsConnections,
    pipelining: 1,
    timeout: 30,
    requests: [
      {
        setupRequest: (request, context) => {
          context.index = next++ % queries.length;
          return { ...request, method: 'GET', path: queries[context.index].path };
        },
        onResponse: (status, body, context) => {
          current = context.index;
          if (status === 200 && totalOf(body) !== queries[context.index].total) {
            wrongTotals++;
          }
        },
      },
    ],
  };
  const check = (result, phase) => {
    const failures = result.errors + result.timeouts + result.non2xx + result.resets + wrongTotals;
    if (failures > 0 || result['2xx'] === 0) {
      throw new BenchError(
        `contacts search under load (${phase}): ${result['2xx']} ok, ${result.errors} errors, ${result.timeouts} ` +
          `timeouts, ${result.non2xx} non-2xx, ${wrongTotals} answers with another total than the first time${tail(app)}`,
      );
    }
  };
  if (settings.warmup > 0) {
    log(`contacts search, ${settings.contactsConnections} connections: warm-up ${settings.warmup} s`);
    check(await autocannon({ ...base, duration: settings.warmup }), 'warm-up');
  }
  log(`contacts search, ${settings.contactsConnections} connections: measuring ${settings.duration} s`);
  const cpuBefore = snapshot();
  const instance = autocannon({ ...base, duration: settings.duration });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode === 200 && current !== undefined) byQuery[current].push(responseTime);
    current = undefined;
  });
  const result = await instance;
  const cpu = usage(cpuBefore, snapshot(), app.child.pid, settings.database);
  check(result, 'measured');
  return { rps: result.requests.mean, requests: result['2xx'], byQuery, cpu };
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the very statements the server runs for each query: the server's
 * own contacts service and repository (dist), on a Drizzle client that records its SQL instead of
 * guessing it, then each recorded statement explained with its parameters.
 */
async function explainContacts(databaseUrl, userId) {
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const schema = await import(pathToFileURL(SCHEMA_MODULE).href);
  const { createContactsRepository } = await import(pathToFileURL(CONTACTS_REPOSITORY_MODULE).href);
  const { createContactsService } = await import(pathToFileURL(CONTACTS_SERVICE_MODULE).href);
  const { ContactListQuery } = await import('@commpro/contracts');
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  let recorded = [];
  const db = drizzle(pool, {
    schema,
    casing: 'snake_case',
    logger: { logQuery: (query, params) => recorded.push({ query, params }) },
  });
  const service = createContactsService({
    db,
    repo: createContactsRepository(db),
    history: undefined,
    regionOf: async () => 'FR',
  });
  try {
    const plans = [];
    for (const q of CONTACT_QUERIES) {
      const input = { limit: String(CONTACTS_LIMIT) };
      if (q.query !== null) input.search = q.query;
      if (q.tags) input.tags = q.tags;
      recorded = [];
      await service.list(userId, ContactListQuery.parse(input));
      // Replayed in order on one connection: a transaction and a setting the service makes (set_config of
      // pg_trgm's threshold, say) apply to the explained statements as they did to the real ones.
      const statements = [];
      const client = await pool.connect();
      try {
        for (const { query, params } of recorded) {
          if (!/^\s*select\b[\s\S]*\bfrom "contacts"/i.test(query)) {
            await client.query(query, params);
            continue;
          }
          const { rows } = await client.query(`explain (analyze, buffers, format json) ${query}`, params);
          const [{ Plan: plan, 'Execution Time': ms, 'Planning Time': planningMs }] = rows[0]['QUERY PLAN'];
          statements.push({
            what: /count\(/i.test(query.split(' from ')[0]) ? 'count' : 'rows',
            ms,
            planningMs,
            summary: summarizePlan(plan),
            sql: query,
          });
        }
      } finally {
        client.release();
      }
      plans.push({ kind: q.kind, label: queryLabel(q), statements });
    }
    return plans;
  } finally {
    await pool.end();
  }
}

/** The contacts search benchmark: its own server start and user, after the seeding. */
async function contactsBench(serverEnv, database, settings) {
  const app = await startServer('commpro-contacts', SERVER_MAIN, serverEnv);
  const { credentials, userId, seed } = await seedContacts(app, database.url, settings.contacts);
  const { accessToken } = await expectStatus(app, 200, 'POST', '/api/auth/login', { body: credentials });
  const sequential = await measureContactsSequential(app, accessToken, settings);
  const load = await measureContactsLoad(
    app,
    accessToken,
    sequential.queries.map((q) => q.total),
    settings,
  );
  await stopServer(app);
  log('contacts: EXPLAIN ANALYZE of every query (the server is stopped)');
  const plans = await explainContacts(database.url, userId);

  const queries = sequential.queries.map((q, i) => ({
    kind: q.kind,
    label: queryLabel(q),
    search: isSearch(q.kind),
    total: q.total,
    returned: q.returned,
    top: q.top,
    first: q.first,
    sequential: latencyStats(q.ms),
    load: latencyStats(load.byQuery[i]),
    statements: plans[i].statements,
  }));
  const group = (pick, key) => latencyStats(sequential.queries.flatMap((q, i) => (pick(q) ? key(q, i) : [])));
  const kinds = [...new Set(CONTACT_QUERIES.map((q) => q.kind))].map((kind) => ({
    kind,
    search: isSearch(kind),
    sequential: group(
      (q) => q.kind === kind,
      (q) => q.ms,
    ),
    load: group(
      (q) => q.kind === kind,
      (_q, i) => load.byQuery[i],
    ),
  }));
  const overall = {
    sequential: group(
      (q) => isSearch(q.kind),
      (q) => q.ms,
    ),
    load: group(
      (q) => isSearch(q.kind),
      (_q, i) => load.byQuery[i],
    ),
  };
  for (const k of kinds) {
    log(
      `contacts ${k.kind}: p50 ${k.sequential.p50.toFixed(2)} ms, p99 ${k.sequential.p99.toFixed(2)} ms one at a time; ` +
        `p99 ${k.load.p99.toFixed(2)} ms with ${settings.contactsConnections} connections`,
    );
  }
  log(
    `contacts search overall: p99 ${overall.sequential.p99.toFixed(2)} ms one at a time, ${overall.load.p99.toFixed(2)} ms ` +
      `with ${settings.contactsConnections} connections (${load.rps.toFixed(0)} req/s)`,
  );
  return {
    seed,
    passes: settings.contactsPasses,
    connections: settings.contactsConnections,
    limit: CONTACTS_LIMIT,
    queries,
    kinds,
    overall,
    rps: load.rps,
    loadRequests: load.requests,
    cpu: { sequential: sequential.cpu, load: load.cpu },
  };
}

// ---------------------------------------------------------------- main

async function main() {
  const settings = {
    duration: intSetting('BENCH_DURATION', 10, 1, 3600),
    warmup: intSetting('BENCH_WARMUP', 3, 0, 600),
    connections: intSetting('BENCH_CONNECTIONS', 10, 1, 1000),
    rounds: intSetting('BENCH_ROUNDS', 3, 1, 20),
    quietWait: intSetting('BENCH_QUIET_WAIT', 30, 0, 3600),
    socketMessages: intSetting('BENCH_SOCKET_MESSAGES', 200, 1, 100_000),
    socketRate: intSetting('BENCH_SOCKET_RATE', 50, 1, 10_000),
    record: intSetting('BENCH_RECORD', 1, 0, 1) === 1,
    contacts: intSetting('BENCH_CONTACTS', 100_000, 1000, 1_000_000),
    contactsPasses: intSetting('BENCH_CONTACTS_PASSES', 60, 1, 10_000),
    contactsConnections: intSetting('BENCH_CONTACTS_CONNECTIONS', 4, 1, 100),
    only: process.env.BENCH_ONLY?.trim() || 'all',
  };
  if (!['all', 'core', 'contacts'].includes(settings.only)) {
    throw new BenchError(`BENCH_ONLY must be core or contacts (got "${settings.only}")`);
  }
  const runCore = settings.only !== 'contacts';
  const runContacts = settings.only !== 'core';
  if (!existsSync(SERVER_MAIN)) throw new BenchError(`${SERVER_MAIN} is missing: run \`npm run build\` first`);
  const adminUrl = process.env.BENCH_DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/postgres';
  const date = new Date().toISOString();
  const machine = machineInfo();
  log(`${machine.cores} cores, ${machine.cpu}, Node ${machine.node}`);
  if (!cpuAccountingAvailable) log('no /proc: CPU accounting is off');

  let argon2;
  if (runCore) {
    await awaitQuiet(undefined, settings);
    log('argon2id calibration (6 s)');
    argon2 = await calibrateArgon2(machine.cores);
    log(
      `argon2id verify: ${argon2.sequential.toFixed(1)}/s one at a time (${argon2.cpuMsSequential.toFixed(1)} ms CPU each), ` +
        `${argon2.parallel.toFixed(1)}/s ${machine.cores} at once (${argon2.cpuMsParallel.toFixed(1)} ms CPU each)` +
        (argon2.other >= DISTURBED_PERCENT
          ? `; disturbed: other processes used ${argon2.other.toFixed(0)} % of a core`
          : ''),
    );
  }

  const database = await createDatabase(adminUrl);
  machine.postgres = database.version;
  settings.database = database.name;
  log(`database ${database.name} created on ${redact(adminUrl)} (PostgreSQL ${database.version})`);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-bench-'));
  undo.push({ what: `remove ${dataDir}`, run: () => rmSync(dataDir, { recursive: true, force: true }) });
  const jwtSecret = randomBytes(48).toString('base64url');
  // One master key for the whole run: every start of the server must unwrap the data keys of the last.
  const encryptionKeys = `bench:${randomBytes(32).toString('base64')}`;
  const serverEnv = (base) => ({
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    ENCRYPTION_KEYS: encryptionKeys,
    RATE_LIMIT_MAX: '10000000',
    // The webhook phases send more than a carrier's minute allowance (3,000 per IP) from one address.
    WEBHOOKS_PER_MINUTE: '10000000',
    LOGIN_MAX_FAILURES: '10000000',
    EMAIL_SEND_LIMIT_PER_HOUR: '1000',
    // The default sandbox carrier; its webhooks are signed over PUBLIC_URL + path, so it is this server's own URL.
    CARRIER: 'sandbox',
    PUBLIC_URL: base,
  });
  const ceilingEnv = { NODE_ENV: 'production', DATABASE_URL: database.url, JWT_SECRET: jwtSecret };
  const credentials = {
    email: `bench-${randomBytes(4).toString('hex')}@bench.commpro.test`,
    password: `Bench ${randomBytes(9).toString('base64url')}`,
  };
  const loginRequest = {
    method: 'POST',
    path: '/api/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(credentials),
  };
  const meRequest = (token) => ({ method: 'GET', path: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });

  let registered = false;
  let line;
  /**
   * CommPro's /me, /login, inbound webhooks and webhook → socket latency; answers a fresh token and
   * its /me document for the ceiling to match.
   */
  async function commproRound(results, round) {
    const app = await startServer('commpro', SERVER_MAIN, serverEnv);
    if (!registered) {
      await expectStatus(app, 201, 'POST', '/api/auth/register', { body: credentials });
      registered = true;
    }
    const signedIn = await expectStatus(app, 200, 'POST', '/api/auth/login', { body: credentials });
    if (signedIn.requires2FA !== false || !signedIn.accessToken) throw new BenchError('login did not answer tokens');
    await expectStatus(app, 200, 'GET', '/api/auth/me', { token: signedIn.accessToken });
    if (!line) {
      const token = signedIn.accessToken;
      const offers = await expectStatus(app, 200, 'GET', '/api/numbers/available?countryCode=FR&type=MOBILE', {
        token,
      });
      const offer = offers.numbers?.[0];
      if (!offer) throw new BenchError('the sandbox carrier offered no FR mobile number');
      const bought = await expectStatus(app, 201, 'POST', '/api/numbers/purchase', {
        token,
        body: { phoneNumber: offer.phoneNumber },
      });
      if (bought.status !== 'ACTIVE') throw new BenchError(`the purchased line is ${bought.status}, not ACTIVE`);
      line = bought.phoneNumber;
      log(`line ${line} bought for the webhook runs`);
    }
    results.me.push(await measure(app, 'GET /api/auth/me', meRequest(signedIn.accessToken), settings));
    results.login.push(await measure(app, 'POST /api/auth/login', loginRequest, settings));

    const webhooks = await webhookFactory(app, jwtSecret, line);
    let n = 0;
    const webhookRequest = {
      method: 'POST',
      path: WEBHOOK_PATH,
      setupRequest: (request) => ({
        ...request,
        ...webhooks.build(`Inbound ${n++}: are we still on for 6 pm tomorrow? Call me back.`),
      }),
    };
    const before = await storedInbound(database.url, line);
    const inbound = await measure(app, 'POST /api/messages/webhooks/incoming', webhookRequest, settings);
    await checkStored(database.url, line, {
      before,
      answered: inbound.warmupOk + inbound.requests,
      built: webhooks.built,
    });
    results.webhook.push(inbound);
    results.socket.push(await measureSocketLatency(app, { token: signedIn.accessToken, webhooks }, settings, round));
    // A fresh token for the ceiling, so a long BENCH_DURATION cannot outlive the 15-minute access token.
    const fresh = await expectStatus(app, 200, 'POST', '/api/auth/login', { body: credentials });
    const document = await settledDocument(app, fresh.accessToken);
    await stopServer(app);
    return { token: fresh.accessToken, document };
  }

  async function ceilingRound(results, reference) {
    const ceiling = await startServer('ceiling', CEILING_MAIN, ceilingEnv);
    const answered = await expectStatus(ceiling, 200, 'GET', '/api/auth/me', { token: reference.token });
    if (JSON.stringify(answered) !== JSON.stringify(reference.document)) {
      throw new BenchError(
        `the ceiling's /me differs from CommPro's:\n  commpro: ${JSON.stringify(reference.document)}\n  ceiling: ${JSON.stringify(answered)}`,
      );
    }
    results.ceiling.push(await measure(ceiling, 'GET /api/auth/me', meRequest(reference.token), settings));
    await stopServer(ceiling);
  }

  const run = { date, commit: gitCommit(), machine, settings };
  if (runCore) Object.assign(run, await coreBench());
  if (runContacts) {
    run.contacts = await contactsBench(serverEnv, database, settings);
    console.log(`\n${renderContacts(run.contacts, settings)}\n`);
  }

  if (settings.record) {
    writeFileSync(DOC, insertRun(existsSync(DOC) ? readFileSync(DOC, 'utf8') : undefined, renderRun(run)));
    log(`recorded in ${path.relative(ROOT, DOC)}`);
  } else {
    log('BENCH_RECORD=0: docs/PERFORMANCE.md left as it is');
  }

  /** /me, /login and webhooks against the ceiling, in rounds. */
  async function coreBench() {
    // Rounds alternate the order (A B, B A, ...) so a drift in the machine's speed favours neither server.
    const results = { me: [], login: [], webhook: [], socket: [], ceiling: [] };
    let reference;
    for (let round = 1; round <= settings.rounds; round++) {
      log(`round ${round} of ${settings.rounds}`);
      if (round % 2 === 1 || !reference) {
        reference = await commproRound(results, round);
        await ceilingRound(results, reference);
      } else {
        await ceilingRound(results, reference);
        reference = await commproRound(results, round);
      }
    }

    const me = combine(results.me);
    const login = combine(results.login);
    const webhook = combine(results.webhook);
    const socket = combineLatency(results.socket);
    const ceiling = combine(results.ceiling);
    const ratios = results.me.map((r, i) => r.rps / results.ceiling[i].rps);
    const rows = [
      { endpoint: 'GET /api/auth/me', server: 'CommPro', result: me },
      { endpoint: 'POST /api/auth/login', server: 'CommPro', result: login },
      { endpoint: 'POST /api/messages/webhooks/incoming', server: 'CommPro', result: webhook },
      { endpoint: 'GET /api/auth/me', server: 'ceiling (Fastify + pg + jose)', result: ceiling },
    ];
    const run = {
      rows,
      me,
      login,
      webhook,
      socket,
      ceiling,
      argon2,
      ratio: median(ratios),
      ratios,
    };

    console.log(`\n${renderTable(rows)}\n`);
    console.log(`${renderLatency(socket, settings)}\n`);
    console.log(`${renderRatio(run)}\n`);
    const other = busiestNeighbour(rows);
    if (other >= DISTURBED_PERCENT) {
      log(
        `warning: other processes used up to ${other.toFixed(0)} % of a core during the measurements; req/s are disturbed`,
      );
    }
    for (const [label, m] of [
      ['commpro /me', me],
      ['commpro /login', login],
      ['commpro inbound webhooks', webhook],
      ['ceiling /me', ceiling],
    ]) {
      if (m.logLines > 0) log(`note: ${label} logged ${m.logLines} line(s) at LOG_LEVEL=warn during the measured runs`);
    }
    return run;
  }
}

let ok = false;
try {
  await main();
  ok = true;
} catch (error) {
  console.error(`[bench] FAILED: ${error instanceof BenchError ? error.message : (error?.stack ?? error)}`);
} finally {
  if (!(await cleanUp())) ok = false;
}
process.exit(ok ? 0 : 1);
