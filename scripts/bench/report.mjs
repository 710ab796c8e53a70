// Pure formatting for the benchmark: the markdown of one run, and the update of
// docs/PERFORMANCE.md that adds it at the top of the "Runs" list and keeps the rest.

/** Everything above the marker is the page's header; every run goes right below the marker, newest first. */
export const RUNS_MARKER = '<!-- bench:runs (newest first; `npm run bench` inserts below this line) -->';

const round = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const fmtRate = (value) => (value >= 100 ? round(value, 0) : round(value, 1));
const fmtMs = (value) => round(value, value >= 100 ? 0 : value >= 10 ? 1 : 2);

/** Other processes above this share of a core make a run's req/s and latencies unreliable. */
export const DISTURBED_PERCENT = 15;

const pct = (part, whole) => round((100 * part) / whole, 0);

/**
 * @param {{ endpoint: string, server: string, result: {
 *   rps: number, rpsRounds: number[], p50: number, p99: number, requests: number, failures: number,
 *   serverCpuUs?: number, cpu?: { wall: number, seconds: Record<string, number> } } }[]} rows
 */
export function renderTable(rows) {
  const lines = [
    '| Endpoint | Server | Req/s (median) | Req/s per round | p50 (ms) | p99 (ms) | Requests | Errors / non-2xx | Server CPU per request (µs) | CPU, % of a core: server / postgres / load gen / other |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const { endpoint, server, result: r } of rows) {
    const cpu = r.cpu
      ? ['server', 'postgres', 'loadgen', 'other'].map((role) => pct(r.cpu.seconds[role], r.cpu.wall)).join(' / ')
      : 'n/a';
    lines.push(
      `| \`${endpoint}\` | ${server} | ${fmtRate(r.rps)} | ${r.rpsRounds.map(fmtRate).join(', ')} | ${fmtMs(r.p50)} | ` +
        `${fmtMs(r.p99)} | ${r.requests} | ${r.failures} | ${r.serverCpuUs === undefined ? 'n/a' : round(r.serverCpuUs, 0)} | ${cpu} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The webhook → socket latency table: from sending a signed inbound webhook to receiving its
 * `message:new` on the line owner's socket, and to the webhook's HTTP answer.
 * @param {{ messages: number, socket: Latency, answer: Latency }} latency
 * @param {{ socketRate: number }} settings
 * @typedef {{ p50: number, p99: number, max: number, p50Rounds: number[] }} Latency
 */
export function renderLatency(latency, settings) {
  const row = (what, l) =>
    `| ${what} | ${latency.messages} | ${settings.socketRate} | ${fmtMs(l.p50)} | ${fmtMs(l.p99)} | ${fmtMs(l.max)} | ` +
    `${l.p50Rounds.map(fmtMs).join(', ')} |`;
  return [
    '| Latency | Messages | Sent per second | p50 (ms) | p99 (ms) | max (ms) | p50 per round (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    row("inbound webhook sent → `message:new` on the owner's socket", latency.socket),
    row('inbound webhook sent → its HTTP answer (the same requests)', latency.answer),
  ].join('\n');
}

/** What an inbound webhook costs and where its time goes, from the measured numbers. */
export function interpretWebhooks({ webhook, socket, me, cores }, settings) {
  const cpuKnown = webhook.serverCpuUs !== undefined && webhook.cpu;
  const perWebhook = (role) => (webhook.cpu.seconds[role] * 1e6) / webhook.requests;
  return [
    `Inbound webhooks: ${fmtRate(webhook.rps)}/s with ${settings.connections} connections (p50 ${fmtMs(webhook.p50)} ms, ` +
      `p99 ${fmtMs(webhook.p99)} ms), every one a fresh MessageSid to one line, every one stored (checked in the ` +
      'database after each run).',
    cpuKnown
      ? `Each costs ${round(webhook.serverCpuUs, 0)} µs of server CPU (${round(webhook.serverCpuUs / me.serverCpuUs, 1)}× ` +
        `a \`/me\`) and ${round(perWebhook('postgres'), 0)} µs of PostgreSQL CPU; during the runs the server used ` +
        `${pct(webhook.cpu.seconds.server, webhook.cpu.wall)} % of a core, PostgreSQL ` +
        `${pct(webhook.cpu.seconds.postgres, webhook.cpu.wall)} % and autocannon ` +
        `${pct(webhook.cpu.seconds.loadgen, webhook.cpu.wall)} %, out of ${cores * 100} %.`
      : '',
    'No argon2 here: a webhook is form parsing, the `webhook_logs` insert (before anything is trusted), the ' +
      'HMAC-SHA1 signature check, the line lookup, sealing the body with the owner’s data key (AES-256-GCM, the key ' +
      'cached after its first use) and opening it again for the event, the message insert, the notification insert, ' +
      'the `message:new` emit and the `webhook_logs` update: five SQL statements, four of them writes, each its own ' +
      'transaction.',
    `At ${settings.socketRate} webhooks/s, far below that throughput, \`message:new\` reaches the owner’s socket ` +
      `${fmtMs(socket.socket.p50)} ms (p50) / ${fmtMs(socket.socket.p99)} ms (p99) after the webhook is sent, and ` +
      `the webhook’s answer arrives after ${fmtMs(socket.answer.p50)} / ${fmtMs(socket.answer.p99)} ms` +
      (socket.socket.p50 < socket.answer.p50
        ? ': the event is emitted before the `webhook_logs` update that the answer waits for.'
        : '.'),
  ]
    .filter(Boolean)
    .join(' ');
}

/** "me/ceiling = 0.62 (rounds: ...)", and the same in CPU cost per request when it was measured. */
export function renderRatio(run) {
  const text = [
    `me/ceiling = ${round(run.ratio, 2)} (median of rounds: ${run.ratios.map((r) => round(r, 2)).join(', ')})`,
  ];
  if (run.me.serverCpuUs !== undefined && run.ceiling.serverCpuUs !== undefined) {
    text.push(
      `server CPU per /me: CommPro ${round(run.me.serverCpuUs, 0)} µs, ceiling ${round(run.ceiling.serverCpuUs, 0)} µs ` +
        `(ceiling/CommPro = ${round(run.ceiling.serverCpuUs / run.me.serverCpuUs, 2)})`,
    );
  }
  return text.join('; ');
}

/** The interpretation paragraphs, from the measured numbers. */
export function interpret({ me, ceiling, login, argon2, ratio, cores }) {
  const cpuKnown = me.serverCpuUs !== undefined && ceiling.serverCpuUs !== undefined;
  const meText = [
    `\`/me\` answers at ${pct(ratio, 1)} % of the ceiling's throughput (me/ceiling = ${round(ratio, 2)}).`,
    cpuKnown
      ? `Per request, CommPro's process spends ${round(me.serverCpuUs, 0)} µs of CPU against the ceiling's ` +
        `${round(ceiling.serverCpuUs, 0)} µs (${round(me.serverCpuUs / ceiling.serverCpuUs, 1)}×); that cost ` +
        'depends much less on how busy the machine was than req/s do.'
      : '',
    'Both do the same per-request work (Bearer parsing, HS256 verification with jose, one `users` lookup through a ' +
      'pg Pool of the same size, the same JSON document); the difference is what the platform adds per request: ' +
      'helmet’s headers, CORS, the rate limiter, the metrics hook, request ids, zod response serialization and ' +
      'Drizzle’s query building and row mapping.',
    cpuKnown
      ? `During the /me runs CommPro's process used ${pct(me.cpu.seconds.server, me.cpu.wall)} % of a core, ` +
        `PostgreSQL ${pct(me.cpu.seconds.postgres, me.cpu.wall)} % and autocannon ` +
        `${pct(me.cpu.seconds.loadgen, me.cpu.wall)} %, out of ${cores * 100} %: on ${cores} cores they compete ` +
        'for the CPU, so absolute req/s are lower than on a larger machine.'
      : `On ${cores} cores the server, PostgreSQL and autocannon compete for the CPU, so absolute req/s are lower ` +
        'than on a larger machine.',
  ]
    .filter(Boolean)
    .join(' ');

  const oneMs = 1000 / argon2.sequential;
  const loginText = [
    '`/login` is dominated by argon2id, by design (19 MiB, t=2, p=1).',
    `On this machine one verification at a time takes ${round(oneMs, 1)} ms (${round(argon2.sequential, 0)}/s, ` +
      `${round(argon2.cpuMsSequential, 1)} ms of CPU); ${cores} at once complete ${round(argon2.parallel, 0)}/s ` +
      `(${round(argon2.parallel / argon2.sequential, 2)}× one at a time, ${round(argon2.cpuMsParallel, 1)} ms of CPU ` +
      `each), which caps logins here at about ${round(argon2.parallel, 0)}/s before any other work.`,
    argon2.other >= DISTURBED_PERCENT
      ? `That calibration was disturbed (other processes used ${round(argon2.other, 0)} % of a core meanwhile), so the ` +
        'cap is only indicative.'
      : '',
    `Measured: ${fmtRate(login.rps)} logins/s, ${pct(login.rps / argon2.parallel, 1)} % of that cap` +
      (login.serverCpuUs === undefined
        ? '.'
        : `, at ${round(login.serverCpuUs / 1000, 1)} ms of server CPU per login, of which a hash alone is ` +
          `${round(argon2.cpuMsSequential, 1)} ms; the rest is the hashes slowing each other down when they run ` +
          'together, the event loop, the refresh-token insert and the `last_login` update.'),
    `The p50 of ${fmtMs(login.p50)} ms is the bench’s connections queueing behind the hashes, not the time of one ` +
      `login (about ${round(oneMs, 0)} ms alone). This is the intended price of a password guess.`,
  ]
    .filter(Boolean)
    .join(' ');
  return `${meText}\n\n${loginText}`;
}

/** Percent of a core that other processes used, at most, during any row's measurement. */
export function busiestNeighbour(rows) {
  return Math.max(
    0,
    ...rows.filter((r) => r.result.cpu).map((r) => (100 * r.result.cpu.seconds.other) / r.result.cpu.wall),
  );
}

/** A warning line when other processes took a noticeable share of the CPU during the measurements. */
function disturbance(rows) {
  const other = busiestNeighbour(rows);
  if (other < DISTURBED_PERCENT) return [];
  return [
    '',
    `> Other processes used up to ${round(other, 0)} % of a core during these measurements: req/s and latencies are ` +
      'disturbed; compare the CPU per request instead.',
  ];
}

/** A markdown table cell: no pipe or line break may end it early. */
const cell = (text) =>
  String(text)
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');

const cpuSplit = (use) =>
  use ? ['server', 'postgres', 'loadgen', 'other'].map((role) => pct(use.seconds[role], use.wall)).join(' / ') : 'n/a';

/** The kinds whose p99 (one connection) is at or above `limitMs`, slowest first. */
export function slowKinds(kinds, limitMs) {
  return kinds
    .filter((k) => k.search && k.sequential.p99 >= limitMs)
    .sort((a, b) => b.sequential.p99 - a.sequential.p99)
    .map((k) => k.kind);
}

/** The contacts search requirement: every search, one connection, p99 under this many milliseconds. */
export const CONTACTS_P99_MS = 50;

/**
 * The contacts search benchmark of one run: the verdict on the requirement, latencies per query
 * and per kind (one connection, and under load), what each query found, and the plans.
 * @param {{ seed: { count: number, viaApi: number, apiSeconds: number, sqlSeconds: number,
 *   tableMiB: number, totalMiB: number }, passes: number, connections: number, limit: number,
 *   queries: { kind: string, label: string, search: boolean, total: number, returned: number,
 *   top: string[], first: number, sequential: Stats, load: Stats,
 *   statements: { what: string, ms: number, planningMs: number, summary: string }[] }[],
 *   kinds: { kind: string, search: boolean, sequential: Stats, load: Stats }[],
 *   overall: { sequential: Stats, load: Stats }, rps: number, loadRequests: number,
 *   cpu: { sequential?: Usage, load?: Usage } }} c
 * @param {{ warmup: number, duration: number }} settings
 * @typedef {{ n: number, p50: number, p95: number, p99: number, max: number }} Stats
 * @typedef {{ wall: number, seconds: Record<string, number> }} Usage
 */
export function renderContacts(c, settings) {
  const s = c.seed;
  const met = c.overall.sequential.p99 < CONTACTS_P99_MS;
  const slow = slowKinds(c.kinds, CONTACTS_P99_MS);
  const slowest = [...c.kinds]
    .filter((k) => k.search)
    .sort((a, b) => b.sequential.p99 - a.sequential.p99)
    .slice(0, 3)
    .map((k) => `${k.kind} ${fmtMs(k.sequential.p99)} ms`)
    .join(', ');
  const stats = (l) => `${fmtMs(l.p50)} | ${fmtMs(l.p95)} | ${fmtMs(l.p99)} | ${fmtMs(l.max)}`;
  const sql = (q) => {
    const find = (what) => q.statements?.find((st) => st.what === what);
    return `${fmtMs(find('rows')?.ms)} / ${fmtMs(find('count')?.ms)}`;
  };
  const other = Math.max(
    0,
    ...[c.cpu.sequential, c.cpu.load].filter(Boolean).map((u) => (100 * u.seconds.other) / u.wall),
  );
  return [
    `#### Contacts search: ${s.count} contacts for one user`,
    '',
    `- Address book: ${s.count} contacts (deterministic, seeded): names from France, the US, the UK, Germany, Spain ` +
      'and Italy with their accents, companies, emails, tags, E.164 numbers of FR/US/GB/DE/ES/IT, and a few known ' +
      `ones ("Hélène Martin" +33 6 12 34 56 78). ${s.viaApi} through \`POST /api/contacts/sync\` ` +
      `(${round(s.apiSeconds, 1)} s), ${s.count - s.viaApi} inserted with SQL (${round(s.sqlSeconds, 1)} s) with the ` +
      'derived columns computed by the server’s build (`search-text.js`: `fold`, `searchTextOf`, `phoneDigitsOf`; ' +
      'the contracts’ `contactDisplayName` for `sort_name`), checked identical to what the API wrote for its rows; ' +
      `then VACUUM ANALYZE. Table ${round(s.tableMiB, 0)} MiB, ${round(s.totalMiB, 0)} MiB with its indexes.`,
    `- One connection (latency): ${c.passes} passes over the ${c.queries.length} requests below in turn, one at a ` +
      `time on a keep-alive connection, after one pass not counted ("first"); \`limit=${c.limit}\`; CPU, % of a core ` +
      `(server / postgres / load gen / other): ${cpuSplit(c.cpu.sequential)}.`,
    `- Under load: autocannon, ${c.connections} connections, the same requests in turn, ${settings.warmup} s warm-up ` +
      `then ${settings.duration} s measured: ${fmtRate(c.rps)} req/s, ${c.loadRequests} requests; CPU: ` +
      `${cpuSplit(c.cpu.load)}.`,
    '',
    `**Requirement, a search answers in under ${CONTACTS_P99_MS} ms at p99 (one connection): ` +
      `${met ? 'met' : 'NOT met'}: p99 over every search ${fmtMs(c.overall.sequential.p99)} ms` +
      (met ? '' : ` (kinds at or over ${CONTACTS_P99_MS} ms: ${slow.join(', ')})`) +
      `; slowest kinds: ${slowest}.**`,
    ...(other >= DISTURBED_PERCENT
      ? [
          '',
          `> Other processes used up to ${round(other, 0)} % of a core during these measurements: latencies are ` +
            'disturbed.',
        ]
      : []),
    '',
    `| Kind | Requests (one connection) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | ${c.connections} connections: p50 / p99 (ms) |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...c.kinds.map(
      (k) =>
        `| ${k.kind}${k.search ? '' : ' (no search)'} | ${k.sequential.n} | ${stats(k.sequential)} | ` +
        `${fmtMs(k.load.p50)} / ${fmtMs(k.load.p99)} |`,
    ),
    `| **every search** | ${c.overall.sequential.n} | ${stats(c.overall.sequential)} | ` +
      `${fmtMs(c.overall.load.p50)} / ${fmtMs(c.overall.load.p99)} |`,
    '',
    `| Kind | Query | Matches | First results | First (ms) | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | ${c.connections} connections: p50 / p99 (ms) | SQL alone: rows / count (ms) |`,
    '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...c.queries.map(
      (q) =>
        `| ${q.kind} | ${cell(q.label)} | ${q.total} | ${cell(q.top.join(', ') || '—')} | ${fmtMs(q.first)} | ` +
        `${stats(q.sequential)} | ${fmtMs(q.load.p50)} / ${fmtMs(q.load.p99)} | ${sql(q)} |`,
    ),
    '',
    '<details><summary>Plans (EXPLAIN ANALYZE of the statements the server runs, after the measurements)</summary>',
    '',
    '| Query | Statement | Execution (ms) | Plan: node, rows, time [children] |',
    '| --- | --- | ---: | --- |',
    ...c.queries.flatMap((q) =>
      (q.statements ?? []).map((st) => `| ${cell(q.label)} | ${st.what} | ${fmtMs(st.ms)} | ${cell(st.summary)} |`),
    ),
    '',
    '</details>',
  ].join('\n');
}

/** One run, as a "### <date>" section of the Runs list (the contacts search alone with BENCH_ONLY=contacts). */
export function renderRun(run) {
  const m = run.machine;
  const s = run.settings;
  const core = run.rows
    ? [
        `- Settings: autocannon, ${s.connections} connections, pipelining 1; ${s.rounds} round(s), each with a fresh start ` +
          `of each server and, per endpoint, ${s.warmup} s warm-up then ${s.duration} s measured; one server at a time; ` +
          'NODE_ENV=production, LOG_LEVEL=warn, rate limits raised out of the way',
        ...(run.socket
          ? [
              `- Webhooks: signed like the sandbox carrier's, a fresh MessageSid each, to one line; latency: per round ` +
                `${s.socketMessages} messages (after ${Math.min(20, s.socketMessages)} not counted) at ${s.socketRate}/s, open loop, to one socket.io ` +
                'client (websocket) of the line’s owner',
            ]
          : []),
        '',
        renderTable(run.rows),
        '',
        ...(run.socket ? [renderLatency(run.socket, s), ''] : []),
        `**${renderRatio(run)}**`,
        ...disturbance(run.rows),
        '',
        interpret({
          me: run.me,
          ceiling: run.ceiling,
          login: run.login,
          argon2: run.argon2,
          ratio: run.ratio,
          cores: m.cores,
        }),
        ...(run.webhook && run.socket
          ? ['', interpretWebhooks({ webhook: run.webhook, socket: run.socket, me: run.me, cores: m.cores }, s)]
          : []),
      ]
    : ['- Only the contacts search (`BENCH_ONLY=contacts`); NODE_ENV=production, LOG_LEVEL=warn'];
  return [
    `### ${run.date}`,
    '',
    `- Commit: ${run.commit}`,
    `- Machine: ${m.cores} cores (nproc), ${m.cpu}, ${m.ramGiB} GiB RAM, ${m.os}`,
    `- Node ${m.node}, PostgreSQL ${m.postgres}`,
    ...core,
    ...(run.contacts ? ['', renderContacts(run.contacts, s)] : []),
    '',
  ].join('\n');
}

export const HEADER = `# Performance

\`npm run bench\` builds the project, then measures the real server (\`apps/server/dist/main.js\`, NODE_ENV=production)
against a fresh PostgreSQL database, and adds the result to the top of the Runs list below. Everything it starts, it
stops; the database is dropped at the end. Any error, timeout or non-2xx response fails the run (exit code 1).

What it measures, one server at a time, with the same autocannon settings for each:

| Row | What a request does |
| --- | --- |
| \`GET /api/auth/me\` (CommPro) | the whole platform: helmet, CORS, rate limit, metrics, request id, JWT verification, Drizzle lookup of the user, zod serialization |
| \`POST /api/auth/login\` (CommPro) | argon2id verification (19 MiB, t=2), a refresh-token insert, the \`last_login\` update, two signed tokens |
| \`POST /api/messages/webhooks/incoming\` (CommPro) | a signed, Twilio-shaped inbound SMS to the bench user's line (bought from the sandbox carrier), a fresh MessageSid each: webhook log, signature check, line lookup, body sealed with the owner's data key, message and notification inserts, \`message:new\` emit (no socket connected during this run) |
| \`GET /api/auth/me\` (ceiling) | [\`scripts/bench/ceiling-server.mjs\`](../scripts/bench/ceiling-server.mjs): bare Fastify, the same JWT checks with jose, one \`select\` through a pg Pool of the same size, the same JSON (checked byte for byte against CommPro's answer) |
| \`GET /api/contacts?search=…&limit=50\` (CommPro) | contacts search over 100,000 contacts of one user (\`BENCH_ONLY=contacts\` runs it alone): a fixed list of queries people type (name prefixes, a full name, accents, upper case, typos, a company, an email fragment, number fragments, no match, one or two letters), plus the first page without a search and a tag filter; one at a time on one connection (latency) and with autocannon at a few connections; every query's matches and first results, and EXPLAIN ANALYZE of the statements the server runs for it ([\`scripts/bench/contacts.mjs\`](../scripts/bench/contacts.mjs)) |

How to read a run:

- **me/ceiling** is CommPro's \`/me\` throughput divided by the ceiling's, the median over the rounds: the share of the
  stack's capacity that the platform leaves to the request.
- **Server CPU per request** is the CPU time (all threads) of the server process divided by the requests it answered.
  It barely depends on how busy the machine was, so it is the number to compare across runs and machines; req/s and
  latencies are only comparable on the same machine.
- **CPU, % of a core** splits the machine's CPU during the measured seconds between the server, PostgreSQL, the load
  generator (autocannon, in the harness process) and anything else (other processes, PostgreSQL backends of other
  databases). On 2 cores they compete; "other" well above a few percent means a neighbour disturbed the run, and the run
  says so. Before each measurement the harness waits a while for such neighbours to go quiet.
- **Webhook → socket latency**: with the line owner's socket.io client connected, signed inbound webhooks are sent at
  a fixed rate far below saturation (open loop); each is timed from sending the request to receiving its
  \`message:new\` (matched by a marker in the body), and to its HTTP answer. p50/p99 over every message of every round.
- Each round starts both servers afresh and alternates which goes first; req/s is the median of the rounds, p50/p99 are
  over every request of every round.

Settings (environment):

| Variable | Default | Meaning |
| --- | --- | --- |
| \`BENCH_DURATION\` | 10 | seconds measured per endpoint and round |
| \`BENCH_WARMUP\` | 3 | seconds of warm-up before each measurement (not counted) |
| \`BENCH_CONNECTIONS\` | 10 | concurrent autocannon connections |
| \`BENCH_ROUNDS\` | 3 | rounds (a fresh start of both servers each) |
| \`BENCH_SOCKET_MESSAGES\` | 200 | webhook → socket latency: messages measured per round (after 20 not counted) |
| \`BENCH_SOCKET_RATE\` | 50 | webhook → socket latency: messages sent per second |
| \`BENCH_QUIET_WAIT\` | 30 | before each measurement, seconds to wait for other processes to leave the CPU (0: don't wait) |
| \`BENCH_DATABASE_URL\` | \`postgres://postgres@127.0.0.1:5432/postgres\` | the PostgreSQL to use; a fresh \`commpro_bench_<random>\` database is created there and dropped after |
| \`BENCH_RECORD\` | 1 | 0 prints the results without adding them to this file |
| \`BENCH_CPU_PROF\` | (unset) | a directory: both servers run with \`--cpu-prof\` and leave \`commpro.cpuprofile\` and \`ceiling.cpuprofile\` there (the last round's) |
| \`BENCH_ONLY\` | (unset) | \`contacts\`: only the contacts search (no argon2 calibration, no /me, /login, webhooks or ceiling); \`core\`: everything but the contacts search |
| \`BENCH_CONTACTS\` | 100000 | contacts search: contacts of the bench user |
| \`BENCH_CONTACTS_PASSES\` | 60 | contacts search: passes over the query list, one request at a time (after one pass not counted) |
| \`BENCH_CONTACTS_CONNECTIONS\` | 4 | contacts search: autocannon connections of the run under load (\`BENCH_WARMUP\` and \`BENCH_DURATION\` apply) |
| \`BENCH_KEEP_DATABASE\` | 0 | 1 keeps the bench database after the run (its name is printed), e.g. to EXPLAIN queries against the 100,000 contacts |

## Runs

${RUNS_MARKER}
`;

/** The new content of docs/PERFORMANCE.md: \`section\` inserted at the top of the Runs list, nothing else changed. */
export function insertRun(existing, section) {
  const block = `\n${section.trimEnd()}\n`;
  if (existing === undefined || existing.trim() === '') return `${HEADER}${block}`;
  const at = existing.indexOf(RUNS_MARKER);
  if (at === -1) {
    // A file edited by hand without the marker: keep all of it and start a Runs list after it.
    return `${existing.trimEnd()}\n\n## Runs\n\n${RUNS_MARKER}\n${block}`;
  }
  const afterMarker = at + RUNS_MARKER.length;
  const rest = existing.slice(afterMarker).replace(/^\n+/, '');
  return `${existing.slice(0, afterMarker)}\n${block}${rest ? `\n${rest}` : ''}`;
}
