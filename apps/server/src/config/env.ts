import { createECDH, createPrivateKey, ECDH } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BillingInterval, PlanTier } from '@commpro/contracts';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const postgresUrl = optionalString.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
  error: 'must be a postgres:// or postgresql:// URL',
});
const redisUrl = optionalString.refine((v) => v === undefined || /^rediss?:\/\//.test(v), {
  error: 'must be a redis:// or rediss:// URL',
});
const httpUrl = optionalString.refine((v) => v === undefined || /^https?:\/\/[^/]+/.test(v), {
  error: 'must be an http(s):// URL',
});
const smtpUrl = optionalString.refine((v) => v === undefined || /^smtps?:\/\//.test(v), {
  error: 'must be an smtp:// or smtps:// URL',
});

/** `id:base64key,...` — the first key encrypts; all of them decrypt (rotation). */
const encryptionKeys = optionalString.refine(
  (v) =>
    v === undefined ||
    v.split(',').every((entry) => {
      const [id, key] = entry.split(':');
      return !!id && /^[A-Za-z0-9_-]{1,32}$/.test(id) && !!key && Buffer.from(key, 'base64').length === 32;
    }),
  { error: 'must be a comma-separated list of id:base64 entries, each key 32 bytes' },
);

const IceServerSchema = z.object({
  urls: z.union([z.string().regex(/^(stun|turns?):/), z.array(z.string().regex(/^(stun|turns?):/)).min(1)]),
  username: z.string().optional(),
  credential: z.string().optional(),
});

/** A JSON array of RTCIceServer objects, as browsers take them. */
const iceServers = optionalString.transform((v, ctx) => {
  if (v === undefined) return [];
  try {
    const parsed = z.array(IceServerSchema).safeParse(JSON.parse(v));
    if (parsed.success) return parsed.data;
  } catch {
    // Reported below with the one message a person needs.
  }
  ctx.addIssue({
    code: 'custom',
    message: 'must be a JSON array of {"urls":"stun:…|turn:…","username"?,"credential"?} objects',
  });
  return z.NEVER;
});

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** A P-256 public key as browsers take it for `applicationServerKey`: an uncompressed point, base64url. */
function isVapidPublicKey(value: string): boolean {
  if (!BASE64URL.test(value)) return false;
  const point = Buffer.from(value, 'base64url');
  if (point.length !== 65 || point[0] !== 0x04) return false;
  try {
    // Throws unless the point is on the curve.
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

/** The P-256 public key of a base64url private scalar, or undefined if it is not one. */
function vapidPublicKeyOf(privateKey: string): string | undefined {
  if (!BASE64URL.test(privateKey)) return undefined;
  const scalar = Buffer.from(privateKey, 'base64url');
  if (scalar.length !== 32) return undefined;
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(scalar);
    return ecdh.getPublicKey().toString('base64url');
  } catch {
    return undefined;
  }
}

/**
 * Why a VAPID key pair cannot be used, if it cannot: a private key that is
 * not the public key's would sign tokens every push service refuses. Also
 * checks the pair generated under DATA_DIR (providers/push/vapid-keys.ts).
 */
export function vapidKeyPairProblem(publicKey: string, privateKey: string): string | undefined {
  if (!isVapidPublicKey(publicKey)) return 'the public key is not a P-256 public key (65 bytes, base64url)';
  const derived = vapidPublicKeyOf(privateKey);
  if (derived === undefined) return 'the private key is not a P-256 private key (32 bytes, base64url)';
  if (derived !== publicKey) return 'the private key does not belong to the public key';
  return undefined;
}

/** A secret given inline or as the path of a file holding it; `isInline` tells the two apart. */
function inlineOrFile(value: string, isInline: (v: string) => boolean): string | undefined {
  if (isInline(value)) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch {
    return undefined;
  }
}

const ServiceAccountFile = z.object({
  type: z.literal('service_account'),
  project_id: z.string().min(1),
  client_email: z.string().min(1),
  private_key: z.string().min(1),
});

/** The Firebase service account FCM sends with, given as its JSON or the path of its JSON file. */
const fcmServiceAccount = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const text = inlineOrFile(v, (s) => s.startsWith('{'));
  try {
    const account = text === undefined ? undefined : ServiceAccountFile.safeParse(JSON.parse(text)).data;
    if (account) {
      createPrivateKey(account.private_key);
      return { projectId: account.project_id, clientEmail: account.client_email, privateKey: account.private_key };
    }
  } catch {
    // Reported below with the one message a person needs.
  }
  // The value is withheld from the report (SECRET_KEYS), so the message says both ways of giving it.
  ctx.addIssue({
    code: 'custom',
    message:
      'must be a Firebase service account JSON (type, project_id, client_email, private_key) or the path of a readable one',
  });
  return z.NEVER;
});

/** Apple's token-signing key (.p8): the PEM text (`\n` escapes allowed, as env files flatten it) or its path. */
const apnsKey = optionalString.transform((v, ctx) => {
  if (v === undefined) return undefined;
  const pem = inlineOrFile(v, (s) => s.includes('-----BEGIN'))?.replace(/\\n/g, '\n');
  try {
    const key = pem === undefined ? undefined : createPrivateKey(pem);
    if (pem && key?.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') {
      return pem.trim();
    }
  } catch {
    // Reported below with the one message a person needs.
  }
  ctx.addIssue({
    code: 'custom',
    message: "must be Apple's APNs auth key (the .p8 file's EC P-256 PEM) or the path of a readable one",
  });
  return z.NEVER;
});

const appleId = optionalString.refine((v) => v === undefined || /^[A-Z0-9]{10}$/.test(v), {
  error: 'must be a 10-character identifier from the Apple developer account (A-Z, 0-9)',
});

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: postgresUrl,
  REDIS_URL: redisUrl,
  PUBLIC_URL: httpUrl,
  JWT_SECRET: optionalString.refine((v) => v === undefined || v.length >= 32, {
    error: 'must be at least 32 characters',
  }),
  ENCRYPTION_KEYS: encryptionKeys,
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  CORS_ORIGINS: optionalString,
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  EMAIL_SEND_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(20),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).default(5),
  LOGIN_FAILURE_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(15 * 60_000),
  TRUST_PROXY: z.stringbool().default(false),
  METRICS_TOKEN: optionalString,
  SMTP_URL: smtpUrl,
  EMAIL_FROM: z.string().default('CommPro <no-reply@commpro.local>'),
  CARRIER: z.enum(['sandbox', 'twilio']).default('sandbox'),
  CARRIER_CALLS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  SANDBOX_QUARANTINE_DAYS: z.coerce.number().min(0).default(30),
  SANDBOX_STEP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(400),
  MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  MESSAGES_DAILY_CAP: z.coerce.number().int().min(1).default(500),
  WEBHOOKS_PER_MINUTE: z.coerce.number().int().min(1).default(3000),
  MEDIA_MAX_BYTES: z.coerce.number().int().min(1024).max(50_000_000).default(5_000_000),
  JOBS_POLL_MS: z.coerce.number().int().min(100).default(5000),
  TWILIO_ACCOUNT_SID: optionalString,
  TWILIO_AUTH_TOKEN: optionalString,
  TWILIO_API_KEY_SID: optionalString,
  TWILIO_API_KEY_SECRET: optionalString,
  TWILIO_TWIML_APP_SID: optionalString,
  ICE_SERVERS: iceServers,
  CALL_RING_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(120).default(30),
  CALLS_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  BILLING: z.enum(['local', 'stripe']).default('local'),
  VAT_RATE_PERCENT: z.coerce.number().min(0).max(100).multipleOf(0.01).default(20),
  INVOICE_SELLER_NAME: z.string().trim().min(1).max(200).default('CommPro'),
  /** Address lines separated by `|`. */
  INVOICE_SELLER_ADDRESS: optionalString,
  INVOICE_SELLER_VAT_NUMBER: optionalString,
  INVOICE_SELLER_EMAIL: optionalString,
  STRIPE_SECRET_KEY: optionalString,
  STRIPE_WEBHOOK_SECRET: optionalString,
  /** Handed to the web's Stripe Elements; a secret key pasted here would reach every browser. */
  STRIPE_PUBLISHABLE_KEY: optionalString.refine((v) => v === undefined || /^pk_(test|live)_/.test(v), {
    error: 'must be a publishable key (pk_test_… or pk_live_…)',
  }),
  /** The Stripe price (price_…) of each paid plan and interval, made in the Stripe dashboard. */
  STRIPE_PRICE_STARTER_MONTHLY: optionalString,
  STRIPE_PRICE_STARTER_ANNUAL: optionalString,
  STRIPE_PRICE_BUSINESS_MONTHLY: optionalString,
  STRIPE_PRICE_BUSINESS_ANNUAL: optionalString,
  STRIPE_PRICE_ENTERPRISE_MONTHLY: optionalString,
  STRIPE_PRICE_ENTERPRISE_ANNUAL: optionalString,
  /** Where the Stripe SDK sends API calls instead of https://api.stripe.com: stripe-mock, or a test's local endpoint. */
  STRIPE_API_URL: httpUrl,
  S3_BUCKET: optionalString,
  S3_ENDPOINT: httpUrl,
  S3_REGION: optionalString,
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  S3_FORCE_PATH_STYLE: z.stringbool().default(false),
  S3_PREFIX: optionalString,
  /** Web Push (VAPID) key pair, both or neither; generated and kept under DATA_DIR when neither. */
  VAPID_PUBLIC_KEY: optionalString.refine((v) => v === undefined || isVapidPublicKey(v), {
    error: 'must be a P-256 public key: 65 bytes (an uncompressed point), base64url (87 characters)',
  }),
  VAPID_PRIVATE_KEY: optionalString.refine((v) => v === undefined || vapidPublicKeyOf(v) !== undefined, {
    error: 'must be a P-256 private key: 32 bytes, base64url (43 characters)',
  }),
  /** The contact push services may write to about our pushes. */
  VAPID_SUBJECT: optionalString.refine(
    (v) => v === undefined || /^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^/\s]+\S*)$/.test(v),
    {
      error: 'must be a mailto: address or an https: URL',
    },
  ),
  FCM_SERVICE_ACCOUNT_JSON: fcmServiceAccount,
  APNS_KEY: apnsKey,
  APNS_KEY_ID: appleId,
  APNS_TEAM_ID: appleId,
  /** The iOS app's bundle id; VoIP pushes go to the `<bundle id>.voip` topic. */
  APNS_BUNDLE_ID: optionalString.refine(
    (v) => v === undefined || (/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/.test(v) && !v.endsWith('.voip')),
    {
      error: "must be the iOS app's bundle ID (e.g. com.example.commpro), without .voip",
    },
  ),
  APNS_PRODUCTION: z.stringbool().optional(),
  /**
   * Origins accepted as Web Push endpoints besides the browsers' push services,
   * comma-separated (a test's local push service). Never needed in production:
   * each one is a place any user can make our server POST to.
   */
  WEB_PUSH_EXTRA_ORIGINS: optionalString.refine(
    (v) => v === undefined || v.split(',').every((o) => /^https?:\/\/[^/]+$/.test(o.trim())),
    { error: 'must be a comma-separated list of origins (http(s)://host[:port], no path)' },
  ),
});

type PaidTier = Exclude<PlanTier, 'FREE'>;

const STRIPE_PRICES = {
  STARTER: { MONTHLY: 'STRIPE_PRICE_STARTER_MONTHLY', ANNUAL: 'STRIPE_PRICE_STARTER_ANNUAL' },
  BUSINESS: { MONTHLY: 'STRIPE_PRICE_BUSINESS_MONTHLY', ANNUAL: 'STRIPE_PRICE_BUSINESS_ANNUAL' },
  ENTERPRISE: { MONTHLY: 'STRIPE_PRICE_ENTERPRISE_MONTHLY', ANNUAL: 'STRIPE_PRICE_ENTERPRISE_ANNUAL' },
} as const satisfies Record<PaidTier, Record<BillingInterval, keyof z.infer<typeof EnvSchema>>>;

const STRIPE_PRICE_KEYS = Object.values(STRIPE_PRICES).flatMap((byInterval) => Object.values(byInterval));

/**
 * A Stripe subscription is read back into a plan by its price, so one price
 * named for two plans would make one of them unreadable.
 */
function stripePriceProblems(env: Record<string, string | undefined>): string[] {
  if (env.BILLING !== 'stripe') return [];
  const firstKeyOf = new Map<string, string>();
  return STRIPE_PRICE_KEYS.flatMap((key) => {
    const price = env[key];
    if (!price) return [];
    const first = firstKeyOf.get(price);
    if (first) return [`${key} names the same Stripe price as ${first}`];
    firstKeyOf.set(price, key);
    return [];
  });
}

const APNS_KEYS = ['APNS_KEY', 'APNS_KEY_ID', 'APNS_TEAM_ID', 'APNS_BUNDLE_ID'];

/** Two well-formed VAPID keys that are not one pair; each key's own format is the schema's to report. */
function vapidPairProblems(env: Record<string, string | undefined>): string[] {
  const { VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey } = env;
  if (!publicKey || !privateKey || !isVapidPublicKey(publicKey) || !vapidPublicKeyOf(privateKey)) return [];
  return vapidKeyPairProblem(publicKey, privateKey)
    ? ['VAPID_PRIVATE_KEY is not the private key of VAPID_PUBLIC_KEY']
    : [];
}

/**
 * Who push services may contact about our pushes, when VAPID_SUBJECT is not
 * given: the seller's address, else the public site if it is https. Apple's
 * push service refuses localhost subjects, so the last resort serves the
 * other browsers only (createPushSender warns about it).
 */
function defaultVapidSubject(env: { INVOICE_SELLER_EMAIL?: string | undefined }, publicUrl: string): string {
  if (env.INVOICE_SELLER_EMAIL && /^[^\s@<>]+@[^\s@<>]+$/.test(env.INVOICE_SELLER_EMAIL)) {
    return `mailto:${env.INVOICE_SELLER_EMAIL}`;
  }
  const site = new URL(publicUrl);
  if (site.protocol === 'https:' && site.hostname !== 'localhost') return site.origin;
  return 'mailto:admin@localhost';
}

/**
 * Each provider branch requires its own secrets. Checked apart from the schema
 * so a missing secret is reported in the same run as any other bad value.
 */
function providerProblems(env: Record<string, string | undefined>): string[] {
  const required: Record<string, { when: boolean; keys: string[] }> = {
    'CARRIER=twilio': {
      when: env.CARRIER === 'twilio',
      // The API key signs the apps' Voice SDK tokens; the TwiML app routes the calls they place.
      keys: [
        'TWILIO_ACCOUNT_SID',
        'TWILIO_AUTH_TOKEN',
        'TWILIO_API_KEY_SID',
        'TWILIO_API_KEY_SECRET',
        'TWILIO_TWIML_APP_SID',
      ],
    },
    'BILLING=stripe': {
      when: env.BILLING === 'stripe',
      keys: ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'STRIPE_PUBLISHABLE_KEY', ...STRIPE_PRICE_KEYS],
    },
    'S3_BUCKET is set': { when: !!env.S3_BUCKET, keys: ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] },
    // Otherwise half an S3 setup would quietly leave files on local disk.
    'S3_ENDPOINT or S3 credentials are set': {
      when: ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].some((key) => !!env[key]),
      keys: ['S3_BUCKET'],
    },
    // One key of a pair alone would be silently replaced by a generated pair, unsubscribing every browser.
    'VAPID_PUBLIC_KEY is set': { when: !!env.VAPID_PUBLIC_KEY, keys: ['VAPID_PRIVATE_KEY'] },
    'VAPID_PRIVATE_KEY is set': { when: !!env.VAPID_PRIVATE_KEY, keys: ['VAPID_PUBLIC_KEY'] },
    'any APNS_* is set': { when: APNS_KEYS.some((key) => !!env[key]), keys: APNS_KEYS },
  };
  return Object.entries(required).flatMap(([branch, { when, keys }]) =>
    when ? keys.filter((key) => !env[key]).map((key) => `${key} is required when ${branch}`) : [],
  );
}

export type Config = Readonly<{
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  publicUrl: string;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  jwtSecret: string | undefined;
  encryptionKeys: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  rateLimit: Readonly<{ max: number; windowMs: number }>;
  loginLimit: Readonly<{ maxFailures: number; windowMs: number }>;
  emailSendLimitPerHour: number;
  trustProxy: boolean;
  metricsToken: string | undefined;
  email: Readonly<{ smtpUrl: string | undefined; from: string }>;
  carrier: Readonly<
    | { kind: 'sandbox'; quarantineMs: number; stepDelayMs: number }
    | {
        kind: 'twilio';
        accountSid: string;
        authToken: string;
        apiKeySid: string;
        apiKeySecret: string;
        twimlAppSid: string;
      }
  >;
  calls: Readonly<{
    /** How long an inbound call rings the user's apps before it is missed. */
    ringTimeoutSeconds: number;
    /** STUN/TURN servers handed to the apps for app-to-app (WebRTC) calls. */
    iceServers: readonly Readonly<{
      urls: string | string[];
      username?: string | undefined;
      credential?: string | undefined;
    }>[];
    /** Calls an account may place per minute (each costs money). */
    perMinute: number;
  }>;
  /** Number searches and purchases per account per minute (each is a carrier call). */
  carrierCallsPerMinute: number;
  jobsPollMs: number;
  /** Carrier webhook calls per IP per minute. */
  webhooksPerMinute: number;
  messages: Readonly<{ perMinute: number; dailyCap: number; mediaMaxBytes: number }>;
  billing: Readonly<
    | { kind: 'local' }
    | {
        kind: 'stripe';
        secretKey: string;
        webhookSecret: string;
        /** For the web's Stripe Elements, which collect cards without them touching our server. */
        publishableKey: string;
        /** The Stripe price of each paid plan and interval. */
        prices: Readonly<Record<PaidTier, Readonly<Record<BillingInterval, string>>>>;
        apiUrl: string | undefined;
      }
  >;
  invoicing: Readonly<{
    vatRatePercent: number;
    seller: Readonly<{ name: string; address: string[]; vatNumber: string | null; email: string }>;
  }>;
  /** Where uploaded files go: `local` is DATA_DIR/files; `s3` is any S3-compatible bucket (S3_BUCKET set). */
  storage: Readonly<
    | { kind: 'local' }
    | {
        kind: 's3';
        endpoint: string | undefined;
        region: string;
        bucket: string;
        accessKeyId: string;
        secretAccessKey: string;
        forcePathStyle: boolean;
        prefix: string | undefined;
      }
  >;
  /** Pushes to browsers (always), Android and iOS apps (FCM), and iPhones ringing for a call (APNs VoIP). */
  push: Readonly<{
    /** Given in the environment; undefined: generated once and kept under DATA_DIR. */
    vapidKeys: Readonly<{ publicKey: string; privateKey: string }> | undefined;
    /** The `mailto:` or `https:` contact in every VAPID token. */
    vapidSubject: string;
    /** Web Push endpoints accepted besides the browsers' push services (tests); http ones are allowed for them. */
    extraOrigins: readonly string[];
    fcm: Readonly<{ projectId: string; clientEmail: string; privateKey: string }> | undefined;
    apnsVoip:
      | Readonly<{
          /** The .p8 key's PEM. */
          key: string;
          keyId: string;
          teamId: string;
          /** `<bundle id>.voip`. */
          topic: string;
          /** api.push.apple.com rather than api.sandbox.push.apple.com (development builds). */
          production: boolean;
        }>
      | undefined;
  }>;
}>;

export class ConfigError extends Error {}

/**
 * Values never repeated in an error message, which ends up in logs: secrets,
 * private keys (VAPID, FCM's service account, APNs' .p8), TURN credentials,
 * and the publishable key (a rejected one is most likely a secret key pasted
 * in its place).
 */
const SECRET_KEYS =
  /SECRET|TOKEN|ENCRYPTION_KEYS|ACCESS_KEY|ICE_SERVERS|STRIPE_PUBLISHABLE_KEY|PRIVATE_KEY|SERVICE_ACCOUNT|APNS_KEY$/;

/** A value as a configuration error may show it: secrets withheld, passwords cut out of URLs. */
function shown(key: string, value: string): string {
  if (SECRET_KEYS.test(key)) return ' (value withheld)';
  return ` (got ${JSON.stringify(value.replace(/\/\/[^/@\s]*@/, '//***@'))})`;
}

/** The only reader of the environment: validates every key once and returns a frozen Config. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  // A variable set to blanks means "use the default", as if it were unset.
  const given = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = EnvSchema.safeParse(given);
  const problems = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => {
          const key = String(issue.path[0] ?? 'environment');
          const got = given[key];
          // JSON quoting keeps the report on one line whatever the value holds.
          return `${key} ${issue.message}${got === undefined ? '' : shown(key, got)}`;
        })),
    ...providerProblems(given),
    ...stripePriceProblems(given),
    ...vapidPairProblems(given),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  const env = parsed.data;
  const stripePrices = (tier: PaidTier) => ({
    MONTHLY: env[STRIPE_PRICES[tier].MONTHLY]!,
    ANNUAL: env[STRIPE_PRICES[tier].ANNUAL]!,
  });
  const publicUrl = (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, '');
  const config: Config = {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    dataDir: path.resolve(env.DATA_DIR),
    publicUrl,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    jwtSecret: env.JWT_SECRET,
    encryptionKeys: env.ENCRYPTION_KEYS,
    logLevel: env.LOG_LEVEL,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    bodyLimitBytes: env.BODY_LIMIT_BYTES,
    rateLimit: { max: env.RATE_LIMIT_MAX, windowMs: env.RATE_LIMIT_WINDOW_MS },
    loginLimit: { maxFailures: env.LOGIN_MAX_FAILURES, windowMs: env.LOGIN_FAILURE_WINDOW_MS },
    emailSendLimitPerHour: env.EMAIL_SEND_LIMIT_PER_HOUR,
    trustProxy: env.TRUST_PROXY,
    metricsToken: env.METRICS_TOKEN,
    email: { smtpUrl: env.SMTP_URL, from: env.EMAIL_FROM },
    carrier:
      env.CARRIER === 'twilio'
        ? {
            kind: 'twilio',
            accountSid: env.TWILIO_ACCOUNT_SID!,
            authToken: env.TWILIO_AUTH_TOKEN!,
            apiKeySid: env.TWILIO_API_KEY_SID!,
            apiKeySecret: env.TWILIO_API_KEY_SECRET!,
            twimlAppSid: env.TWILIO_TWIML_APP_SID!,
          }
        : {
            kind: 'sandbox',
            quarantineMs: env.SANDBOX_QUARANTINE_DAYS * 24 * 3600_000,
            stepDelayMs: env.SANDBOX_STEP_DELAY_MS,
          },
    messages: {
      perMinute: env.MESSAGES_PER_MINUTE,
      dailyCap: env.MESSAGES_DAILY_CAP,
      mediaMaxBytes: env.MEDIA_MAX_BYTES,
    },
    calls: {
      ringTimeoutSeconds: env.CALL_RING_TIMEOUT_SECONDS,
      iceServers: env.ICE_SERVERS,
      perMinute: env.CALLS_PER_MINUTE,
    },
    carrierCallsPerMinute: env.CARRIER_CALLS_PER_MINUTE,
    jobsPollMs: env.JOBS_POLL_MS,
    webhooksPerMinute: env.WEBHOOKS_PER_MINUTE,
    billing:
      env.BILLING === 'stripe'
        ? {
            kind: 'stripe',
            secretKey: env.STRIPE_SECRET_KEY!,
            webhookSecret: env.STRIPE_WEBHOOK_SECRET!,
            publishableKey: env.STRIPE_PUBLISHABLE_KEY!,
            prices: {
              STARTER: stripePrices('STARTER'),
              BUSINESS: stripePrices('BUSINESS'),
              ENTERPRISE: stripePrices('ENTERPRISE'),
            },
            apiUrl: env.STRIPE_API_URL,
          }
        : { kind: 'local' },
    invoicing: {
      vatRatePercent: env.VAT_RATE_PERCENT,
      seller: {
        name: env.INVOICE_SELLER_NAME,
        address: (env.INVOICE_SELLER_ADDRESS ?? '')
          .split('|')
          .map((line) => line.trim())
          .filter(Boolean),
        vatNumber: env.INVOICE_SELLER_VAT_NUMBER ?? null,
        // The address emails come from, without its display name.
        email: env.INVOICE_SELLER_EMAIL ?? /<([^>]+)>/.exec(env.EMAIL_FROM)?.[1] ?? env.EMAIL_FROM,
      },
    },
    storage: env.S3_BUCKET
      ? {
          kind: 's3',
          endpoint: env.S3_ENDPOINT,
          // R2 signs with region `auto`; AWS itself needs a real region.
          region: env.S3_REGION ?? (env.S3_ENDPOINT ? 'auto' : 'us-east-1'),
          bucket: env.S3_BUCKET,
          accessKeyId: env.S3_ACCESS_KEY_ID!,
          secretAccessKey: env.S3_SECRET_ACCESS_KEY!,
          forcePathStyle: env.S3_FORCE_PATH_STYLE,
          prefix: env.S3_PREFIX,
        }
      : { kind: 'local' },
    push: {
      vapidKeys:
        env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY
          ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY }
          : undefined,
      vapidSubject: env.VAPID_SUBJECT ?? defaultVapidSubject(env, publicUrl),
      extraOrigins: env.WEB_PUSH_EXTRA_ORIGINS?.split(',').map((o) => o.trim()) ?? [],
      fcm: env.FCM_SERVICE_ACCOUNT_JSON,
      apnsVoip: env.APNS_KEY
        ? {
            key: env.APNS_KEY,
            keyId: env.APNS_KEY_ID!,
            teamId: env.APNS_TEAM_ID!,
            topic: `${env.APNS_BUNDLE_ID!}.voip`,
            // App Store and TestFlight builds hold production tokens; a server in production talks to them.
            production: env.APNS_PRODUCTION ?? env.NODE_ENV === 'production',
          }
        : undefined,
    },
  };
  return Object.freeze(config);
}
