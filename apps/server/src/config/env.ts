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
}>;

export class ConfigError extends Error {}

/**
 * Values never repeated in an error message, which ends up in logs: secrets,
 * TURN credentials, and the publishable key (a rejected one is most likely a
 * secret key pasted in its place).
 */
const SECRET_KEYS = /SECRET|TOKEN|ENCRYPTION_KEYS|ACCESS_KEY|ICE_SERVERS|STRIPE_PUBLISHABLE_KEY/;

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
  ];
  if (!parsed.success || problems.length) throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  const env = parsed.data;
  const stripePrices = (tier: PaidTier) => ({
    MONTHLY: env[STRIPE_PRICES[tier].MONTHLY]!,
    ANNUAL: env[STRIPE_PRICES[tier].ANNUAL]!,
  });
  const config: Config = {
    env: env.NODE_ENV,
    host: env.HOST,
    port: env.PORT,
    dataDir: path.resolve(env.DATA_DIR),
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
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
  };
  return Object.freeze(config);
}
