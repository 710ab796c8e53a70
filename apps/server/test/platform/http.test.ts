import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeTestApp } from '../helpers/stripe-flows.js';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../helpers/test-app.js';

const ALLOWED_ORIGIN = 'https://app.example.com';
const BODY_LIMIT = 2048;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { CORS_ORIGINS: ALLOWED_ORIGIN, BODY_LIMIT_BYTES: String(BODY_LIMIT) } });
});
afterAll(async () => {
  await t.close();
});

/** Responses must never show a stack frame, whatever went wrong. */
function expectNoStack(body: string) {
  expect(body).not.toMatch(/\n\s+at /);
  expect(body).not.toMatch(/\.(ts|js):\d+:\d+/);
  expect(body).not.toContain('"stack"');
}

function expectErrorShape(res: { headers: Record<string, unknown>; json(): unknown; body: string }, code: string) {
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ code, error: expect.any(String), requestId: expect.any(String) });
  expect(body.requestId).toBe(res.headers['x-request-id']);
  expect(Object.keys(body).every((k) => ['code', 'error', 'requestId', 'details'].includes(k))).toBe(true);
  expectNoStack(res.body);
}

describe('error model', () => {
  it('answers an unknown API route with a JSON 404 ROUTE_NOT_FOUND', async () => {
    for (const [method, url] of [
      ['GET', '/api/does-not-exist'],
      ['POST', '/api/auth/nope?x=1'],
      ['DELETE', '/api'],
    ] as const) {
      const res = await t.app.inject({ method, url });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expectErrorShape(res, 'ROUTE_NOT_FOUND');
    }
  });

  it('answers malformed JSON with 400 BAD_REQUEST, not 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@example.com", "password": ',
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'BAD_REQUEST');
  });

  it('answers an empty JSON body with 400, not 500', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '',
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'BAD_REQUEST');
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'a@example.com', password: 'x'.repeat(BODY_LIMIT * 2) },
    });
    expect(res.statusCode).toBe(413);
    expectErrorShape(res, 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/xml' },
      payload: '<login><email>a@example.com</email></login>',
    });
    expect(res.statusCode).toBe(415);
    expectErrorShape(res, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('names the invalid field in details', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { email: 'not-an-email', password: STRONG_PASSWORD },
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'VALIDATION_FAILED');
    const body = res.json();
    expect(body.details).toEqual(expect.arrayContaining([{ field: 'email', message: expect.any(String) }]));
    expect(body.details.map((d: { field: string }) => d.field)).not.toContain('password');
  });

  it('names a missing field too', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: uniqueEmail() } });
    expect(res.statusCode).toBe(400);
    expect(res.json().details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
  });

  it('validates path parameters and names them', async () => {
    const login = await registerAndLogin();
    const res = await t.app.inject({
      method: 'DELETE',
      url: '/api/auth/sessions/not-a-uuid',
      headers: { authorization: `Bearer ${login.accessToken}` },
    });
    expect(res.statusCode).toBe(400);
    expectErrorShape(res, 'VALIDATION_FAILED');
    expect(res.json().details[0].field).toBe('id');
  });

  it('answers a missing or bad bearer token with 401 in the error shape', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(none.statusCode).toBe(401);
    expectErrorShape(none, 'UNAUTHORIZED');
    const bad = await t.app.inject({
      method: 'GET',
      url: '/api/auth/me',
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    expect(bad.statusCode).toBe(401);
    expectErrorShape(bad, 'INVALID_TOKEN');
  });
});

describe('request ids', () => {
  it('gives every response an x-request-id, unique per request', async () => {
    const a = await t.app.inject({ method: 'GET', url: '/health' });
    const b = await t.app.inject({ method: 'GET', url: '/health' });
    expect(a.headers['x-request-id']).toMatch(/^[A-Za-z0-9._-]{8,128}$/);
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it("reuses a caller's well-formed x-request-id, in the header and in the error body", async () => {
    const id = 'lb-7f3a9c21.trace_01';
    const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': id } });
    expect(res.headers['x-request-id']).toBe(id);
    expect(res.json().requestId).toBe(id);
  });

  it.each(['a\nb', 'short', 'has spaces in it', '<script>alert(1)</script>', 'x'.repeat(129)])(
    'replaces a malformed x-request-id (%j)',
    async (given) => {
      const res = await t.app.inject({ method: 'GET', url: '/api/nope', headers: { 'x-request-id': given } });
      expect(res.statusCode).toBe(404);
      const echoed = res.headers['x-request-id'];
      expect(echoed).not.toBe(given);
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.json().requestId).toBe(echoed);
    },
  );
});

describe('security headers', () => {
  it('sends the helmet headers on API responses', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    // PUBLIC_URL is plain HTTP here: HSTS and upgrade-insecure-requests would break a local install.
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(String(res.headers['content-security-policy'])).not.toContain('upgrade-insecure-requests');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(res.headers['x-powered-by']).toBeUndefined();
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(csp).toMatch(new RegExp(`connect-src 'self' ${ALLOWED_ORIGIN.replaceAll('.', '\\.')}`));
  });

  it('pins HTTPS (HSTS, upgrade-insecure-requests) when the public URL is HTTPS', async () => {
    const secure = await createTestApp({ env: { PUBLIC_URL: 'https://commpro.example.com' } });
    try {
      const res = await secure.app.inject({ method: 'GET', url: '/health' });
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    } finally {
      await secure.close();
    }
  });

  it('lets Stripe Elements load and talk to Stripe only when Stripe takes payment', async () => {
    const local = String((await t.app.inject({ method: 'GET', url: '/health' })).headers['content-security-policy']);
    expect(local).not.toContain('stripe.com');
    const stripe = await createStripeTestApp('2031-01-01T00:00:00.000Z');
    try {
      const csp = String(
        (await stripe.app.inject({ method: 'GET', url: '/health' })).headers['content-security-policy'],
      );
      expect(csp).toContain("script-src 'self' https://js.stripe.com");
      expect(csp).toContain('frame-src https://js.stripe.com https://hooks.stripe.com');
      expect(csp).toMatch(/connect-src 'self'[^;]* https:\/\/api\.stripe\.com/);
    } finally {
      await stripe.close();
    }
  });

  it('sends them on errors too', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/nope' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toBeDefined();
  });
});

describe('CORS', () => {
  it('allows a configured origin, with credentials, in a preflight and on the real request', async () => {
    const preflight = await t.app.inject({
      method: 'OPTIONS',
      url: '/api/auth/login',
      headers: {
        origin: ALLOWED_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(preflight.headers['access-control-allow-credentials']).toBe('true');

    const res = await t.app.inject({ method: 'GET', url: '/health', headers: { origin: ALLOWED_ORIGIN } });
    expect(res.headers['access-control-allow-origin']).toBe(ALLOWED_ORIGIN);
    expect(String(res.headers['access-control-expose-headers'])).toContain('x-request-id');
  });

  it('does not allow any other origin', async () => {
    for (const origin of ['https://evil.example.com', 'https://app.example.com.evil.net', 'http://app.example.com']) {
      const preflight = await t.app.inject({
        method: 'OPTIONS',
        url: '/api/auth/login',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      const res = await t.app.inject({ method: 'GET', url: '/health', headers: { origin } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('allows no cross-origin caller at all when CORS_ORIGINS is unset', async () => {
    const plain = await createTestApp();
    try {
      const res = await plain.app.inject({ method: 'GET', url: '/health', headers: { origin: ALLOWED_ORIGIN } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe('OpenAPI', () => {
  it('serves an OpenAPI 3.1.0 document listing the auth routes with their request schemas', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('CommPro API');
    expect(doc.servers).toEqual([{ url: 'http://commpro.test' }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });

    for (const path of ['/api/auth/register', '/api/auth/login', '/api/auth/refresh', '/api/auth/logout']) {
      expect(doc.paths[path]?.post, path).toBeDefined();
    }
    expect(doc.paths['/api/auth/me'].get).toBeDefined();
    expect(doc.paths['/api/auth/sessions/{id}'].delete).toBeDefined();
    expect(doc.paths['/health'].get).toBeDefined();

    const loginBody = doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema;
    expect(loginBody.properties).toHaveProperty('email');
    expect(loginBody.properties).toHaveProperty('password');
    expect(loginBody.required).toEqual(expect.arrayContaining(['email', 'password']));
    const registerBody = doc.paths['/api/auth/register'].post.requestBody.content['application/json'].schema;
    expect(registerBody.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(doc.paths['/api/auth/login'].post.responses).toHaveProperty('200');

    // Internal endpoints stay out of the public document.
    expect(doc.paths['/metrics']).toBeUndefined();
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
  });

  it('serves the Swagger UI as HTML at /api/docs', async () => {
    let res = await t.app.inject({ method: 'GET', url: '/api/docs' });
    for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 3; hops++) {
      const location = new URL(String(res.headers.location), 'http://commpro.test/api/docs');
      res = await t.app.inject({ method: 'GET', url: location.pathname + location.search });
    }
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toMatch(/swagger/i);
  });
});

async function registerAndLogin(): Promise<{ accessToken: string; refreshToken: string }> {
  const email = uniqueEmail('http');
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/auth/register',
    payload: { email, password: STRONG_PASSWORD },
  });
  expect(res.statusCode).toBe(201);
  return res.json();
}
