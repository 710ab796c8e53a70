import { createECDH, generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env.js';

/** The error an operator sees for this environment; fails the test if none is thrown. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const key32 = () => randomBytes(32).toString('base64');

const STRIPE_PRICE_KEYS = [
  'STRIPE_PRICE_STARTER_MONTHLY',
  'STRIPE_PRICE_STARTER_ANNUAL',
  'STRIPE_PRICE_BUSINESS_MONTHLY',
  'STRIPE_PRICE_BUSINESS_ANNUAL',
  'STRIPE_PRICE_ENTERPRISE_MONTHLY',
  'STRIPE_PRICE_ENTERPRISE_ANNUAL',
];

/** Everything BILLING=stripe needs. */
const stripeEnv = {
  BILLING: 'stripe',
  STRIPE_SECRET_KEY: 'sk_test_1',
  STRIPE_WEBHOOK_SECRET: 'whsec_1',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_1',
  STRIPE_PRICE_STARTER_MONTHLY: 'price_starter_m',
  STRIPE_PRICE_STARTER_ANNUAL: 'price_starter_y',
  STRIPE_PRICE_BUSINESS_MONTHLY: 'price_business_m',
  STRIPE_PRICE_BUSINESS_ANNUAL: 'price_business_y',
  STRIPE_PRICE_ENTERPRISE_MONTHLY: 'price_enterprise_m',
  STRIPE_PRICE_ENTERPRISE_ANNUAL: 'price_enterprise_y',
};

const TWILIO_KEYS = [
  'TWILIO_ACCOUNT_SID',
  'TWILIO_AUTH_TOKEN',
  'TWILIO_API_KEY_SID',
  'TWILIO_API_KEY_SECRET',
  'TWILIO_TWIML_APP_SID',
];

/** Everything CARRIER=twilio needs. */
const twilioEnv = {
  CARRIER: 'twilio',
  TWILIO_ACCOUNT_SID: 'AC123',
  TWILIO_AUTH_TOKEN: 'tok',
  TWILIO_API_KEY_SID: 'SK123',
  TWILIO_API_KEY_SECRET: 'key-secret',
  TWILIO_TWIML_APP_SID: 'AP123',
};

describe('loadConfig defaults', () => {
  it('runs with an empty environment: port 3000, ./data, sandbox carrier, local billing, 100 requests a minute', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('0.0.0.0');
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.dataDir).toBe(path.resolve('data'));
    // A released sandbox number rests 30 days before it is offered again.
    expect(config.carrier).toEqual({ kind: 'sandbox', quarantineMs: 30 * 24 * 3600_000, stepDelayMs: 400 });
    expect(config.messages).toEqual({ perMinute: 30, dailyCap: 500, mediaMaxBytes: 5_000_000 });
    expect(config.carrierCallsPerMinute).toBe(30);
    expect(config.calls).toEqual({ ringTimeoutSeconds: 30, iceServers: [], perMinute: 10 });
    expect(config.billing).toEqual({ kind: 'local' });
    expect(config.rateLimit).toEqual({ max: 100, windowMs: 60_000 });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.corsOrigins).toEqual([]);
    expect(config.logLevel).toBe('info');
  });

  it('resolves a relative DATA_DIR to an absolute path', () => {
    expect(loadConfig({ DATA_DIR: 'var/commpro' }).dataDir).toBe(path.resolve('var/commpro'));
  });

  it('returns a frozen config', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('treats every empty-string variable as unset (a blank line in .env or docker-compose keeps the default)', () => {
    const blank = Object.fromEntries(
      [
        'NODE_ENV',
        'PORT',
        'HOST',
        'DATA_DIR',
        'DATABASE_URL',
        'REDIS_URL',
        'PUBLIC_URL',
        'JWT_SECRET',
        'ENCRYPTION_KEYS',
        'LOG_LEVEL',
        'CORS_ORIGINS',
        'BODY_LIMIT_BYTES',
        'RATE_LIMIT_MAX',
        'RATE_LIMIT_WINDOW_MS',
        'EMAIL_SEND_LIMIT_PER_HOUR',
        'LOGIN_MAX_FAILURES',
        'LOGIN_FAILURE_WINDOW_MS',
        'TRUST_PROXY',
        'METRICS_TOKEN',
        'SMTP_URL',
        'EMAIL_FROM',
        'CARRIER',
        'BILLING',
        'ICE_SERVERS',
        'CALL_RING_TIMEOUT_SECONDS',
        'CALLS_PER_MINUTE',
      ].map((k) => [k, '']),
    );
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it('treats an empty PORT as unset rather than as port 0 (a random port)', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(3000);
    expect(loadConfig({ PORT: '  ' }).port).toBe(3000);
  });

  it('treats an empty DATA_DIR as unset rather than as the current directory', () => {
    expect(loadConfig({ DATA_DIR: '' }).dataDir).toBe(path.resolve('data'));
  });
});

describe('loadConfig parsing', () => {
  it('reads a full production-like environment', () => {
    const keys = `k2:${key32()},k1:${key32()}`;
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/commpro',
      REDIS_URL: 'rediss://cache:6380',
      PUBLIC_URL: 'https://api.example.com/',
      JWT_SECRET: 'x'.repeat(32),
      ENCRYPTION_KEYS: keys,
      CORS_ORIGINS: 'https://app.example.com, https://admin.example.com',
      RATE_LIMIT_MAX: '500',
      RATE_LIMIT_WINDOW_MS: '10000',
      TRUST_PROXY: 'true',
      ...twilioEnv,
      ICE_SERVERS: '[{"urls":"turn:turn.example.com:3478","username":"u","credential":"c"}]',
      CALL_RING_TIMEOUT_SECONDS: '20',
      CALLS_PER_MINUTE: '5',
      ...stripeEnv,
    });
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBe('postgresql://u:p@db:5432/commpro');
    expect(config.redisUrl).toBe('rediss://cache:6380');
    expect(config.publicUrl).toBe('https://api.example.com');
    expect(config.encryptionKeys).toBe(keys);
    expect(config.corsOrigins).toEqual(['https://app.example.com', 'https://admin.example.com']);
    expect(config.rateLimit).toEqual({ max: 500, windowMs: 10_000 });
    expect(config.trustProxy).toBe(true);
    expect(config.carrier).toEqual({
      kind: 'twilio',
      accountSid: 'AC123',
      authToken: 'tok',
      apiKeySid: 'SK123',
      apiKeySecret: 'key-secret',
      twimlAppSid: 'AP123',
    });
    expect(config.calls).toEqual({
      ringTimeoutSeconds: 20,
      iceServers: [{ urls: 'turn:turn.example.com:3478', username: 'u', credential: 'c' }],
      perMinute: 5,
    });
    expect(config.billing).toEqual({
      kind: 'stripe',
      secretKey: 'sk_test_1',
      webhookSecret: 'whsec_1',
      publishableKey: 'pk_test_1',
      prices: {
        STARTER: { MONTHLY: 'price_starter_m', ANNUAL: 'price_starter_y' },
        BUSINESS: { MONTHLY: 'price_business_m', ANNUAL: 'price_business_y' },
        ENTERPRISE: { MONTHLY: 'price_enterprise_m', ANNUAL: 'price_enterprise_y' },
      },
    });
  });
});

describe('loadConfig errors', () => {
  it('rejects a bad PORT with one line naming PORT and the value given', () => {
    const error = configError({ PORT: 'abc' });
    expect(error.message).not.toContain('\n');
    expect(error.message).toContain('PORT');
    expect(error.message).toContain('"abc"');
  });

  it.each(['70000', '-1', '3000.5', '80abc'])('rejects PORT=%s', (port) => {
    const error = configError({ PORT: port });
    expect(error.message).toContain('PORT');
    expect(error.message).toContain(port);
  });

  it('keeps the message on one line even when the bad value contains a newline', () => {
    const error = configError({ PORT: '80\n81' });
    expect(error.message).toContain('PORT');
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('names every bad variable in the same single line', () => {
    const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud', RATE_LIMIT_MAX: '0', CARRIER: 'carrier-pigeon' });
    expect(error.message.split('\n')).toHaveLength(1);
    for (const expected of [
      'PORT',
      '"abc"',
      'LOG_LEVEL',
      '"loud"',
      'RATE_LIMIT_MAX',
      '"0"',
      'CARRIER',
      '"carrier-pigeon"',
    ]) {
      expect(error.message).toContain(expected);
    }
  });

  it('requires the Twilio credentials, API key and TwiML app with CARRIER=twilio', () => {
    const error = configError({ CARRIER: 'twilio' });
    for (const key of TWILIO_KEYS) expect(error.message).toContain(`${key} is required when CARRIER=twilio`);
    const onlySid = configError({ CARRIER: 'twilio', TWILIO_ACCOUNT_SID: 'AC1' });
    expect(onlySid.message).not.toContain('TWILIO_ACCOUNT_SID');
    expect(onlySid.message).toContain('TWILIO_AUTH_TOKEN');
  });

  it.each(['TWILIO_API_KEY_SID', 'TWILIO_API_KEY_SECRET', 'TWILIO_TWIML_APP_SID'])(
    'requires %s with CARRIER=twilio, which voice tokens need, and names only that key',
    (key) => {
      const error = configError({ ...twilioEnv, [key]: undefined });
      expect(error.message).toBe(`Invalid configuration: ${key} is required when CARRIER=twilio`);
      expect(configError({ ...twilioEnv, [key]: ' ' }).message).toContain(key);
    },
  );

  it('needs no Twilio key with the sandbox carrier', () => {
    expect(loadConfig({ TWILIO_API_KEY_SID: 'SK1' }).carrier.kind).toBe('sandbox');
  });

  it('names missing provider credentials together with the other bad values, not on the next start', () => {
    const error = configError({ PORT: 'abc', CARRIER: 'twilio', BILLING: 'stripe' });
    expect(error.message.split('\n')).toHaveLength(1);
    for (const key of [
      'PORT',
      ...TWILIO_KEYS,
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_PUBLISHABLE_KEY',
      ...STRIPE_PRICE_KEYS,
    ]) {
      expect(error.message).toContain(key);
    }
  });

  it('requires the Stripe keys, the publishable key and a price for every paid plan and interval with BILLING=stripe', () => {
    const error = configError({ BILLING: 'stripe' });
    for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PUBLISHABLE_KEY', ...STRIPE_PRICE_KEYS]) {
      expect(error.message).toContain(`${key} is required when BILLING=stripe`);
    }
  });

  it.each(['STRIPE_PUBLISHABLE_KEY', ...STRIPE_PRICE_KEYS])(
    'requires %s with BILLING=stripe, blank included, and names only that key',
    (key) => {
      expect(configError({ ...stripeEnv, [key]: undefined }).message).toBe(
        `Invalid configuration: ${key} is required when BILLING=stripe`,
      );
      expect(configError({ ...stripeEnv, [key]: '  ' }).message).toContain(key);
    },
  );

  it('needs no Stripe price or publishable key with local billing, and does not expose them', () => {
    expect(loadConfig({ STRIPE_PRICE_STARTER_MONTHLY: 'price_1' }).billing).toEqual({ kind: 'local' });
  });

  it('refuses a secret key given as the publishable key, which the web would receive, without repeating it', () => {
    const error = configError({ ...stripeEnv, STRIPE_PUBLISHABLE_KEY: 'sk_live_do-not-leak' });
    expect(error.message).toMatch(/STRIPE_PUBLISHABLE_KEY must be a publishable key .*value withheld/);
    expect(error.message).not.toContain('do-not-leak');
    expect(loadConfig({ ...stripeEnv, STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' }).billing).toMatchObject({
      publishableKey: 'pk_live_abc',
    });
  });

  it('refuses one Stripe price named for two plans, which could not be told apart when read back', () => {
    const error = configError({ ...stripeEnv, STRIPE_PRICE_BUSINESS_ANNUAL: 'price_starter_m' });
    expect(error.message).toBe(
      'Invalid configuration: STRIPE_PRICE_BUSINESS_ANNUAL names the same Stripe price as STRIPE_PRICE_STARTER_MONTHLY',
    );
  });

  it('does not accept blank credentials as given', () => {
    const error = configError({ ...twilioEnv, TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '   ' });
    expect(error.message).toContain('TWILIO_ACCOUNT_SID');
    expect(error.message).toContain('TWILIO_AUTH_TOKEN');
    expect(error.message).not.toContain('TWILIO_API_KEY');
  });

  it.each([
    ['DATABASE_URL', 'mysql://localhost/commpro'],
    ['DATABASE_URL', 'localhost:5432'],
    ['REDIS_URL', 'localhost:6379'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['PUBLIC_URL', 'api.example.com'],
    ['SMTP_URL', 'mail.example.com:587'],
    ['JWT_SECRET', 'x'.repeat(31)],
    ['ENCRYPTION_KEYS', 'no-colon'],
    ['ENCRYPTION_KEYS', `k1:${randomBytes(16).toString('base64')}`],
    ['ENCRYPTION_KEYS', `k1:${key32()},broken`],
    ['ENCRYPTION_KEYS', `bad id!:${key32()}`],
    ['LOG_LEVEL', 'verbose'],
    ['TRUST_PROXY', 'maybe'],
    ['BODY_LIMIT_BYTES', '10'],
    ['RATE_LIMIT_WINDOW_MS', '10'],
  ])('rejects %s=%s and names it', (key, value) => {
    const error = configError({ [key]: value });
    expect(error.message).toMatch(new RegExp(`\\b${key}\\b`));
    expect(error.message.split('\n')).toHaveLength(1);
  });

  it('accepts a JWT_SECRET of exactly 32 characters and several 32-byte encryption keys', () => {
    const config = loadConfig({ JWT_SECRET: 'y'.repeat(32), ENCRYPTION_KEYS: `a:${key32()},b_2:${key32()}` });
    expect(config.jwtSecret).toHaveLength(32);
  });
});

describe('loadConfig calls', () => {
  it('reads ICE_SERVERS as a JSON array of STUN/TURN servers, one url or several', () => {
    const servers = [
      { urls: 'stun:stun.example.com:3478' },
      {
        urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349'],
        username: 'u',
        credential: 'c',
      },
    ];
    expect(loadConfig({ ICE_SERVERS: JSON.stringify(servers) }).calls.iceServers).toEqual(servers);
    expect(loadConfig({ ICE_SERVERS: '[]' }).calls.iceServers).toEqual([]);
  });

  it.each([
    ['not JSON', 'stun:stun.example.com'],
    ['truncated JSON', '[{"urls":"stun:a"}'],
    ['an object, not an array', '{"urls":"stun:stun.example.com"}'],
    ['a list of strings', '["stun:stun.example.com"]'],
    ['a server without urls', '[{"username":"u"}]'],
    ['an http url', '[{"urls":"https://turn.example.com"}]'],
    ['an empty list of urls', '[{"urls":[]}]'],
    ['a numeric credential', '[{"urls":"turn:t.example.com","username":"u","credential":5}]'],
  ])('rejects ICE_SERVERS that is %s with one message naming it', (_, value) => {
    const error = configError({ ICE_SERVERS: value });
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.message.match(/ICE_SERVERS/g)).toHaveLength(1);
    expect(error.message).toContain('ICE_SERVERS must be a JSON array of');
  });

  it('never repeats a secret in a configuration error (it goes to the logs)', () => {
    const turn = '[{"urls":"turn:t.example.com","username":"u","credential":"hunter2-turn"}]x';
    const error = configError({
      ICE_SERVERS: turn,
      JWT_SECRET: 'short-secret-value',
      DATABASE_URL: 'mysql://admin:pg-password@db/commpro',
    });
    expect(error.message).not.toContain('hunter2-turn');
    expect(error.message).not.toContain('short-secret-value');
    expect(error.message).not.toContain('pg-password');
    expect(error.message).toMatch(/ICE_SERVERS .*value withheld/);
    expect(error.message).toContain('mysql://***@db/commpro');
  });

  it.each(['5', '120'])('accepts CALL_RING_TIMEOUT_SECONDS=%s', (value) => {
    expect(loadConfig({ CALL_RING_TIMEOUT_SECONDS: value }).calls.ringTimeoutSeconds).toBe(Number(value));
  });

  it.each(['4', '121', '0', '-30', '12.5', 'thirty'])('rejects CALL_RING_TIMEOUT_SECONDS=%s and names it', (value) => {
    const error = configError({ CALL_RING_TIMEOUT_SECONDS: value });
    expect(error.message).toMatch(/\bCALL_RING_TIMEOUT_SECONDS\b/);
    expect(error.message).toContain(JSON.stringify(value));
  });

  it('rejects CALLS_PER_MINUTE=0', () => {
    expect(configError({ CALLS_PER_MINUTE: '0' }).message).toMatch(/\bCALLS_PER_MINUTE\b/);
  });
});

describe('loadConfig file storage', () => {
  const s3 = {
    S3_BUCKET: 'commpro-media',
    S3_ACCESS_KEY_ID: 'AKID',
    S3_SECRET_ACCESS_KEY: 'secret',
  };

  it('keeps files on local disk when S3_BUCKET is unset or blank', () => {
    expect(loadConfig({}).storage).toEqual({ kind: 'local' });
    expect(loadConfig({ S3_BUCKET: '  ', S3_FORCE_PATH_STYLE: 'true', S3_REGION: 'eu-west-1' }).storage).toEqual({
      kind: 'local',
    });
  });

  it('uses the bucket when S3_BUCKET is set: AWS defaults to us-east-1, virtual-hosted addressing', () => {
    expect(loadConfig(s3).storage).toEqual({
      kind: 's3',
      endpoint: undefined,
      region: 'us-east-1',
      bucket: 'commpro-media',
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      forcePathStyle: false,
      prefix: undefined,
    });
  });

  it('signs for region auto with a custom endpoint (R2) unless S3_REGION says otherwise', () => {
    const r2 = { ...s3, S3_ENDPOINT: 'https://acct.r2.cloudflarestorage.com' };
    expect(loadConfig(r2).storage).toMatchObject({
      kind: 's3',
      endpoint: 'https://acct.r2.cloudflarestorage.com',
      region: 'auto',
    });
    expect(
      loadConfig({ ...r2, S3_REGION: 'eu-central-1', S3_FORCE_PATH_STYLE: 'true', S3_PREFIX: 'prod' }).storage,
    ).toMatchObject({ region: 'eu-central-1', forcePathStyle: true, prefix: 'prod' });
  });

  it('requires both S3 credentials with S3_BUCKET, blank ones included', () => {
    const error = configError({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: ' ' });
    expect(error.message).toContain('S3_ACCESS_KEY_ID is required when S3_BUCKET is set');
    expect(error.message).toContain('S3_SECRET_ACCESS_KEY is required when S3_BUCKET is set');
    expect(configError({ S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'AKID' }).message).not.toContain('S3_ACCESS_KEY_ID');
  });

  it('refuses an S3 endpoint or credentials without a bucket rather than quietly using local disk', () => {
    expect(configError({ S3_ENDPOINT: 'https://minio:9000' }).message).toContain('S3_BUCKET is required');
    expect(configError({ S3_ACCESS_KEY_ID: 'AKID', S3_SECRET_ACCESS_KEY: 'x' }).message).toContain('S3_BUCKET');
  });

  it.each([
    ['S3_ENDPOINT', 'r2.example.com'],
    ['S3_FORCE_PATH_STYLE', 'maybe'],
  ])('rejects %s=%s and names it', (key, value) => {
    const error = configError({ ...s3, [key]: value });
    expect(error.message).toMatch(new RegExp(`\\b${key}\\b`));
    expect(error.message).not.toContain('secret');
  });
});

describe('loadConfig push', () => {
  const vapid = () => {
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    return {
      VAPID_PUBLIC_KEY: ecdh.getPublicKey().toString('base64url'),
      VAPID_PRIVATE_KEY: ecdh.getPrivateKey().toString('base64url'),
    };
  };
  const ecPem = () =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
  const serviceAccount = {
    type: 'service_account',
    project_id: 'commpro-prod',
    client_email: 'push@commpro-prod.iam.gserviceaccount.com',
    private_key: generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString(),
  };
  const apnsEnv = () => ({
    APNS_KEY: ecPem(),
    APNS_KEY_ID: 'ABC123DEFG',
    APNS_TEAM_ID: 'TEAM123456',
    APNS_BUNDLE_ID: 'com.example.commpro',
  });
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'commpro-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sends Web Push alone by default, with keys to generate and a subject every push service but Apple accepts', () => {
    expect(loadConfig({}).push).toEqual({
      vapidKeys: undefined,
      vapidSubject: 'mailto:admin@localhost',
      extraOrigins: [],
      fcm: undefined,
      apnsVoip: undefined,
    });
    const blank = ['VAPID_PUBLIC_KEY', 'VAPID_PRIVATE_KEY', 'VAPID_SUBJECT', 'FCM_SERVICE_ACCOUNT_JSON', 'APNS_KEY'];
    expect(loadConfig(Object.fromEntries(blank.map((k) => [k, ' '])))).toEqual(loadConfig({}));
  });

  it.each([
    [
      { VAPID_SUBJECT: 'https://status.example.com/contact', INVOICE_SELLER_EMAIL: 'a@b.example' },
      'https://status.example.com/contact',
    ],
    [
      { INVOICE_SELLER_EMAIL: 'billing@commpro.example', PUBLIC_URL: 'https://x.example' },
      'mailto:billing@commpro.example',
    ],
    [{ PUBLIC_URL: 'https://phone.example.com/app/' }, 'https://phone.example.com'],
    [{ PUBLIC_URL: 'http://phone.example.com' }, 'mailto:admin@localhost'],
    [{ PUBLIC_URL: 'https://localhost:8443' }, 'mailto:admin@localhost'],
  ])('takes the VAPID subject from %j: %s', (env, subject) => {
    expect(loadConfig(env).push.vapidSubject).toBe(subject);
  });

  it('accepts extra Web Push origins only as bare origins', () => {
    expect(
      loadConfig({ WEB_PUSH_EXTRA_ORIGINS: 'http://127.0.0.1:4599, https://push.test' }).push.extraOrigins,
    ).toEqual(['http://127.0.0.1:4599', 'https://push.test']);
    for (const bad of ['127.0.0.1:4599', 'http://127.0.0.1:4599/push', 'ftp://x.example']) {
      expect(() => loadConfig({ WEB_PUSH_EXTRA_ORIGINS: bad })).toThrow(/WEB_PUSH_EXTRA_ORIGINS/);
    }
  });

  it('takes a VAPID key pair given as both keys', () => {
    const keys = vapid();
    expect(loadConfig(keys).push.vapidKeys).toEqual({
      publicKey: keys.VAPID_PUBLIC_KEY,
      privateKey: keys.VAPID_PRIVATE_KEY,
    });
  });

  it('requires both VAPID keys or neither', () => {
    const { VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY } = vapid();
    expect(configError({ VAPID_PUBLIC_KEY }).message).toBe(
      'Invalid configuration: VAPID_PRIVATE_KEY is required when VAPID_PUBLIC_KEY is set',
    );
    expect(configError({ VAPID_PRIVATE_KEY }).message).toBe(
      'Invalid configuration: VAPID_PUBLIC_KEY is required when VAPID_PRIVATE_KEY is set',
    );
  });

  it.each([
    ['standard base64', (k: string) => Buffer.from(k, 'base64url').toString('base64')],
    ['33 bytes (a compressed point)', () => Buffer.concat([Buffer.from([2]), randomBytes(32)]).toString('base64url')],
    ['a point off the curve', () => Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 9)]).toString('base64url')],
  ])('refuses a VAPID public key in %s, saying what it must be', (_, change) => {
    const keys = vapid();
    const error = configError({ ...keys, VAPID_PUBLIC_KEY: change(keys.VAPID_PUBLIC_KEY) });
    expect(error.message).toMatch(/^Invalid configuration: VAPID_PUBLIC_KEY must be a P-256 public key: 65 bytes/);
    expect(error.message).not.toContain('VAPID_PRIVATE_KEY');
  });

  it('refuses a VAPID private key of the wrong length, or of another pair, without repeating it', () => {
    const keys = vapid();
    const short = keys.VAPID_PRIVATE_KEY.slice(0, 30);
    const error = configError({ ...keys, VAPID_PRIVATE_KEY: short });
    expect(error.message).toMatch(/VAPID_PRIVATE_KEY must be a P-256 private key: 32 bytes.*value withheld/);
    expect(error.message).not.toContain(short);
    const other = vapid().VAPID_PRIVATE_KEY;
    const mismatch = configError({ ...keys, VAPID_PRIVATE_KEY: other });
    expect(mismatch.message).toBe(
      'Invalid configuration: VAPID_PRIVATE_KEY is not the private key of VAPID_PUBLIC_KEY',
    );
  });

  it.each(['http://example.com', 'admin@example.com', 'mailto:nobody', 'https://'])(
    'refuses VAPID_SUBJECT=%s',
    (subject) => {
      expect(configError({ VAPID_SUBJECT: subject }).message).toContain(
        'VAPID_SUBJECT must be a mailto: address or an https: URL',
      );
    },
  );

  it('reads the FCM service account from its JSON or from the path of its file', () => {
    const expected = {
      projectId: 'commpro-prod',
      clientEmail: 'push@commpro-prod.iam.gserviceaccount.com',
      privateKey: serviceAccount.private_key,
    };
    expect(loadConfig({ FCM_SERVICE_ACCOUNT_JSON: JSON.stringify(serviceAccount) }).push.fcm).toEqual(expected);
    const file = path.join(dir, 'service-account.json');
    writeFileSync(file, JSON.stringify(serviceAccount));
    expect(loadConfig({ FCM_SERVICE_ACCOUNT_JSON: file }).push.fcm).toEqual(expected);
  });

  it.each([
    ['a missing file', () => path.join(dir, 'missing.json')],
    ['JSON that is not a service account', () => JSON.stringify({ ...serviceAccount, type: 'authorized_user' })],
    ['a broken private key', () => JSON.stringify({ ...serviceAccount, private_key: 'secret-but-broken' })],
    ['truncated JSON', () => JSON.stringify(serviceAccount).slice(0, 200)],
  ])('refuses FCM_SERVICE_ACCOUNT_JSON that is %s, without repeating it', (_, value) => {
    const error = configError({ FCM_SERVICE_ACCOUNT_JSON: value() });
    expect(error.message).toMatch(
      /^Invalid configuration: FCM_SERVICE_ACCOUNT_JSON must be a Firebase service account/,
    );
    expect(error.message).toContain('value withheld');
    expect(error.message).not.toContain('secret-but-broken');
    expect(error.message).not.toContain('PRIVATE KEY');
  });

  it('reads APNs VoIP: the .p8 key inline (\\n escapes too) or by path, the .voip topic, sandbox unless in production', () => {
    const env = apnsEnv();
    expect(loadConfig(env).push.apnsVoip).toEqual({
      key: env.APNS_KEY.trim(),
      keyId: 'ABC123DEFG',
      teamId: 'TEAM123456',
      topic: 'com.example.commpro.voip',
      production: false,
    });
    expect(loadConfig({ ...env, APNS_KEY: env.APNS_KEY.replace(/\n/g, '\\n') }).push.apnsVoip?.key).toBe(
      env.APNS_KEY.trim(),
    );
    const file = path.join(dir, 'AuthKey_ABC123DEFG.p8');
    writeFileSync(file, env.APNS_KEY);
    expect(loadConfig({ ...env, APNS_KEY: file }).push.apnsVoip?.key).toBe(env.APNS_KEY.trim());
    expect(loadConfig({ ...env, NODE_ENV: 'production' }).push.apnsVoip?.production).toBe(true);
    expect(loadConfig({ ...env, NODE_ENV: 'production', APNS_PRODUCTION: 'false' }).push.apnsVoip?.production).toBe(
      false,
    );
    expect(loadConfig({ ...env, APNS_PRODUCTION: 'true' }).push.apnsVoip?.production).toBe(true);
  });

  it('requires every APNS_* key once one is set', () => {
    const error = configError({ APNS_KEY_ID: 'ABC123DEFG' });
    for (const key of ['APNS_KEY', 'APNS_TEAM_ID', 'APNS_BUNDLE_ID']) {
      expect(error.message).toContain(`${key} is required when any APNS_* is set`);
    }
    expect(error.message).not.toContain('APNS_KEY_ID is required');
    expect(loadConfig({ APNS_PRODUCTION: 'true' }).push.apnsVoip).toBeUndefined();
  });

  it.each([
    ['APNS_KEY', 'an RSA key', () => serviceAccount.private_key, "must be Apple's APNs auth key"],
    ['APNS_KEY', 'a missing file', () => path.join(dir, 'AuthKey_missing.p8'), "must be Apple's APNs auth key"],
    ['APNS_KEY_ID', 'lower case', () => 'abc123defg', 'must be a 10-character identifier'],
    ['APNS_TEAM_ID', 'too short', () => 'TEAM1', 'must be a 10-character identifier'],
    ['APNS_BUNDLE_ID', 'the VoIP topic', () => 'com.example.commpro.voip', 'without .voip'],
    ['APNS_BUNDLE_ID', 'one word', () => 'commpro', "must be the iOS app's bundle ID"],
    ['APNS_PRODUCTION', 'not a boolean', () => 'sometimes', 'APNS_PRODUCTION'],
  ])('refuses %s that is %s', (key, _, value, expected) => {
    const error = configError({ ...apnsEnv(), [key]: value() });
    expect(error.message).toContain(`${key} `);
    expect(error.message).toContain(expected);
    expect(error.message).not.toContain('PRIVATE KEY');
  });
});
