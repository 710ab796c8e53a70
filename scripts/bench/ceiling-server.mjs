// The "ceiling" for GET /api/auth/me: the least work that answers the same
// question, on the same stack (Fastify + node-postgres + jose), with none of
// CommPro's platform (helmet, CORS, rate limit, metrics, zod, Drizzle, error model).
//
//   PORT=... DATABASE_URL=postgres://... JWT_SECRET=... node scripts/bench/ceiling-server.mjs
//
// Per request it does what /me must do: read the Bearer, verify the HS256 access
// token exactly as the server does (algorithm, issuer, audience, claim shapes),
// load the user by id through a pg Pool of the same size, refuse inactive users,
// and reply with the same JSON document.
import { createSecretKey } from 'node:crypto';
import Fastify from 'fastify';
import { jwtVerify } from 'jose';
import pg from 'pg';

const { PORT, DATABASE_URL, JWT_SECRET } = process.env;
if (!DATABASE_URL || !JWT_SECRET) {
  console.error('ceiling-server: DATABASE_URL and JWT_SECRET are required');
  process.exit(1);
}

const POOL_SIZE = 10; // = openDatabase()'s default in apps/server/src/platform/db/client.ts
// Imported once, as the server does: the ceiling is the best bare way to answer.
const key = createSecretKey(Buffer.from(JWT_SECRET, 'utf8'));
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE });
pool.on('error', () => undefined);

const USER_BY_ID = `select id, email, phone_number, first_name, last_name, role, two_fa_enabled, avatar_url,
  company_name, timezone, email_verified, is_active, last_login, created_at, updated_at
  from users where id = $1 limit 1`;

const unauthorized = (reply) =>
  reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'Authentication required' } });

const app = Fastify({ logger: false });

app.get('/health', async () => {
  await pool.query('select 1');
  return { status: 'OK' };
});

app.get('/api/auth/me', async (request, reply) => {
  const match = /^Bearer ([^\s]+)$/i.exec(request.headers.authorization ?? '');
  if (!match) return unauthorized(reply);
  let payload;
  try {
    ({ payload } = await jwtVerify(match[1], key, { algorithms: ['HS256'], issuer: 'commpro', audience: 'access' }));
  } catch {
    return unauthorized(reply);
  }
  if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') return unauthorized(reply);
  if (payload.role !== 'USER' && payload.role !== 'ADMIN') return unauthorized(reply);

  const { rows } = await pool.query(USER_BY_ID, [payload.sub]);
  const row = rows[0];
  if (!row || !row.is_active) return unauthorized(reply);
  return {
    id: row.id,
    email: row.email,
    phoneNumber: row.phone_number,
    firstName: row.first_name,
    lastName: row.last_name,
    role: row.role,
    twoFaEnabled: row.two_fa_enabled,
    avatarUrl: row.avatar_url,
    companyName: row.company_name,
    timezone: row.timezone,
    emailVerified: row.email_verified,
    isActive: row.is_active,
    lastLogin: row.last_login?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
});

let closing = false;
async function shutdown() {
  if (closing) return;
  closing = true;
  await app.close();
  await pool.end();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());

await app.listen({ host: '127.0.0.1', port: Number(PORT ?? 0) });
