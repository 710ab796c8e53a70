import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TwilioCarrierOptions } from '../../src/providers/carrier/twilio/twilio-carrier.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** Twilio's own OpenAPI document, cloned beside the repository (REFERENCE.md §10). */
export const TWILIO_OPENAPI = path.resolve(repoRoot, '..', 'shared', 'contracts', 'twilio_api_v2010.json');

const PRISM_CLI = path.resolve(repoRoot, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

/** A test Account SID (`AC` + 32 hex) and a fake token: nothing here reaches Twilio. */
export const TEST_ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
export const TEST_AUTH_TOKEN = 'test-auth-token-not-a-secret';

/**
 * The Voice SDK credentials every Twilio carrier is built with: an API key
 * (`SK` + 32 hex) with its secret, and a TwiML app (`AP` + 32 hex). Tests that
 * place no calls never use them; they are fakes all the same.
 */
export const TEST_VOICE_CREDENTIALS = {
  apiKeySid: `SK${'fedcba9876543210'.repeat(2)}`,
  apiKeySecret: 'test-api-key-secret-not-a-secret',
  twimlAppSid: `AP${'0f1e2d3c4b5a6978'.repeat(2)}`,
} satisfies Pick<TwilioCarrierOptions, 'apiKeySid' | 'apiKeySecret' | 'twimlAppSid'>;

export interface Violation {
  location: string[];
  severity: string;
  code: string | number;
  message: string;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The form body as Twilio receives it (empty for GET/DELETE). */
  form: URLSearchParams;
  /** What the upstream answered. */
  status: number;
  /** Prism's findings against the contract (its `sl-violations` header). */
  violations: Violation[];
}

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RecordingServer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Where a request is sent on: returns the upstream's status, headers and body. */
type Upstream = (
  req: { method: string; url: string; headers: http.IncomingHttpHeaders },
  body: string,
) => Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>;

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** A request Prism refuses gets a problem+json body listing what broke the contract. */
function problemViolations(answer: { headers: http.IncomingHttpHeaders; body: Buffer }): Violation[] {
  if (!String(answer.headers['content-type']).includes('problem+json')) return [];
  try {
    const problem = JSON.parse(answer.body.toString('utf8')) as { validation?: Violation[] };
    return problem.validation ?? [];
  } catch {
    return [];
  }
}

async function startRecorder(upstream: Upstream): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://recorder');
      const answer = await upstream({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers }, raw);
      const header = answer.headers['sl-violations'];
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        form: new URLSearchParams(raw),
        status: answer.status,
        violations: [
          ...(typeof header === 'string' ? (JSON.parse(header) as Violation[]) : []),
          ...problemViolations(answer),
        ],
      });
      const headers = { ...answer.headers };
      for (const name of ['transfer-encoding', 'content-length', 'content-encoding', 'connection', 'keep-alive']) {
        delete headers[name];
      }
      res.writeHead(answer.status, headers).end(answer.body);
    })().catch((error: unknown) => {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  const url = await listen(server);
  return { url, requests, close: () => closeServer(server) };
}

/**
 * A stand-in for api.twilio.com that answers whatever `respond` says (a
 * Twilio-shaped error body, or a real-world success body), recording requests.
 */
export function startFakeTwilio(respond: (req: { method: string; path: string }) => Answer): Promise<RecordingServer> {
  return startRecorder(async (req) => {
    const answer = respond({ method: req.method, path: new URL(req.url, 'http://fake').pathname });
    return {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
      body: Buffer.from(answer.body === undefined ? '' : JSON.stringify(answer.body)),
    };
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => fail(new Error(`Prism did not start within ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Prism is listening')) done();
    };
    const onExit = (code: number | null) => fail(new Error(`Prism exited (${code}) before listening:\n${output}`));
    function cleanup() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
    }
    function done() {
      cleanup();
      resolve();
    }
    function fail(error: Error) {
      cleanup();
      reject(error);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

const HOP_BY_HOP = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'expect',
]);

export interface PrismMock extends RecordingServer {
  /** Milliseconds from spawn until Prism listened. */
  startupMs: number;
}

/**
 * Prism serving Twilio's OpenAPI document as a validating mock, behind a
 * recording proxy (the SDK talks to the proxy's `url`).
 *
 * Prism rejects a request that breaks the contract with 401/422 (a missing
 * Basic auth, a malformed SID in the path, a non-URI SmsUrl, a method outside
 * the enum, a non-integer AreaCode…) and reports every finding in its
 * `sl-violations` header, which the recorder keeps. It runs without `--errors`:
 * that flag changes nothing for requests (checked: the same 401/422s) but also
 * turns violations in Twilio's own response examples into 500s — the examples
 * carry a relative `uri` against `format: uri` and string latitudes against
 * `number` — which would fail every AvailablePhoneNumbers list and number
 * update on the document as published.
 */
export async function startPrism(): Promise<PrismMock> {
  const port = await freePort();
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'commpro-prism-'));
  const document = path.join(workDir, 'twilio_api_v2010.json');
  await writeFile(document, JSON.stringify(withFormArrayEncodings(JSON.parse(await readFile(TWILIO_OPENAPI, 'utf8')))));
  const started = Date.now();
  const child = spawn(process.execPath, [PRISM_CLI, 'mock', '-h', '127.0.0.1', '-p', String(port), document], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await waitForListening(child, 20_000);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
  const startupMs = Date.now() - started;
  // Prism's log keeps flowing; drain it so the pipe never fills.
  child.stdout?.resume();
  child.stderr?.resume();

  const target = `http://127.0.0.1:${port}`;
  const recorder = await startRecorder(async (req, body) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string' && !HOP_BY_HOP.has(name)) headers[name] = value;
    }
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && body.length > 0;
    const response = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      ...(hasBody ? { body } : {}),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      body: Buffer.from(await response.arrayBuffer()),
    };
  });

  return {
    ...recorder,
    startupMs,
    async close() {
      await recorder.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

interface FormContent {
  schema?: { properties?: Record<string, { type?: unknown }> };
  encoding?: Record<string, unknown>;
}

/**
 * Twilio's document with each array property of a form body (MessageMedia's
 * `MediaUrl`…) given an explicit `encoding: {style: form, explode: true}`.
 * That is OpenAPI 3's default for `application/x-www-form-urlencoded`, so the
 * contract is unchanged, but Prism 5 only turns a form field into an array
 * when the encoding is written out: without it every `MediaUrl` fails with
 * "must be array" (checked: one or several repeated fields alike). Prism still
 * keeps only the last of repeated fields, so tests check them all on the
 * recorded form.
 */
export function withFormArrayEncodings<T>(openapi: T): T {
  const paths = (openapi as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const content = (operation as { requestBody?: { content?: Record<string, FormContent> } } | null)?.requestBody
        ?.content?.['application/x-www-form-urlencoded'];
      for (const [name, property] of Object.entries(content?.schema?.properties ?? {})) {
        if (property.type !== 'array' || !content) continue;
        content.encoding = { [name]: { style: 'form', explode: true }, ...content.encoding };
      }
    }
  }
  return openapi;
}

/** Prism's findings about a request (not about its own example responses). */
export function requestViolations(request: RecordedRequest): Violation[] {
  return request.violations.filter((violation) => violation.location[0] !== 'response');
}
