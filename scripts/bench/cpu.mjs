// Where the machine's CPU went during a measurement (Linux /proc): the server under test,
// PostgreSQL, the load generator (this process) and everything else. On a 2-core machine
// these share the CPU, so this says which one was the bottleneck and whether a neighbour
// interfered; CPU time per request is also far less sensitive to that noise than req/s.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const PROC = '/proc';

function clockTicks() {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

const ticksPerSecond = existsSync(`${PROC}/stat`) ? clockTicks() : 100;

export const cpuAccountingAvailable = existsSync(`${PROC}/stat`);

const databases = new Map();

/**
 * The database a PostgreSQL backend serves, from its process title
 * ("postgres: 15/main: user database 127.0.0.1(5432) idle"); null for the server's own processes.
 */
function backendDatabase(key, pid) {
  if (!databases.has(key)) {
    let database = null;
    try {
      const title = readFileSync(`${PROC}/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      const words = title.split(': ').at(-1).split(' ');
      if (words.length >= 3 && /\(\d+\)$|^\[local\]$/.test(words[2])) database = words[1];
    } catch {
      // exited meanwhile
    }
    databases.set(key, database);
  }
  return databases.get(key);
}

/** CPU time (ticks, all threads) of every process, keyed by pid and start time so a reused pid is not confused. */
export function snapshot() {
  if (!cpuAccountingAvailable) return undefined;
  const processes = new Map();
  for (const entry of readdirSync(PROC)) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`${PROC}/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    // Fields after "(comm) ": state is field 3, utime 14, stime 15, starttime 22.
    const fields = stat.slice(close + 2).split(' ');
    const key = `${entry}:${fields[19]}`;
    processes.set(key, {
      pid: Number(entry),
      comm,
      database: comm === 'postgres' ? backendDatabase(key, entry) : undefined,
      ticks: Number(fields[11]) + Number(fields[12]),
    });
  }
  const [, ...totals] = readFileSync(`${PROC}/stat`, 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = totals.map(Number);
  return {
    at: performance.now(),
    processes,
    machine: { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal: steal ?? 0 },
  };
}

/**
 * CPU seconds used between two snapshots, by role. `serverPid` is the server under test; this
 * process is the load generator; PostgreSQL is the backends of `database` and the server's own
 * processes (checkpointer, WAL writer...). Backends of other databases are someone else's: "other".
 */
export function usage(before, after, serverPid, database) {
  if (!before || !after) return undefined;
  const seconds = { server: 0, postgres: 0, loadgen: 0, other: 0 };
  for (const [key, now] of after.processes) {
    const spent = (now.ticks - (before.processes.get(key)?.ticks ?? 0)) / ticksPerSecond;
    if (spent <= 0) continue;
    const role =
      now.pid === serverPid
        ? 'server'
        : now.pid === process.pid
          ? 'loadgen'
          : now.comm === 'postgres' && (now.database === null || now.database === database)
            ? 'postgres'
            : 'other';
    seconds[role] += spent;
  }
  return {
    wall: (after.at - before.at) / 1000,
    seconds,
    steal: (after.machine.steal - before.machine.steal) / ticksPerSecond,
  };
}

/** Adds up usages of several rounds. */
export function addUsage(total, more) {
  if (!more) return total;
  if (!total) return structuredClone(more);
  total.wall += more.wall;
  total.steal += more.steal;
  for (const role of Object.keys(total.seconds)) total.seconds[role] += more.seconds[role];
  return total;
}

/** "server 98 / postgres 45 / load gen 60 / other 2": percent of one core over the measurement. */
export function describeUsage(use) {
  if (!use) return 'n/a';
  const pct = (s) => Math.round((100 * s) / use.wall);
  const { server, postgres, loadgen, other } = use.seconds;
  return `${pct(server)} / ${pct(postgres)} / ${pct(loadgen)} / ${pct(other)}`;
}

/** Percent of a core used by processes other than ours (the harness, `serverPid`, and the bench database), over `seconds`. */
export async function neighbourLoad(seconds, serverPid, database) {
  const before = snapshot();
  if (!before) return 0;
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const use = usage(before, snapshot(), serverPid, database);
  return (100 * use.seconds.other) / use.wall;
}
