import { createHmac, randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Config } from './config/env.js';
import { adminInsightsRoutes } from './modules/admin/admin-insights.routes.js';
import { createAdminNumbers } from './modules/admin/admin-numbers.js';
import { createAdminUsers } from './modules/admin/admin-users.js';
import { adminRoutes } from './modules/admin/admin.routes.js';
import { createAccountDeletion } from './modules/auth/account-deletion.js';
import { createAccountExport } from './modules/auth/account-export.js';
import { accountRoutes } from './modules/auth/account.routes.js';
import { type AuthService, registerAuthModule } from './modules/auth/index.js';
import { createBillingModule } from './modules/billing/index.js';
import { createStripeProvider } from './providers/billing/stripe-provider.js';
import { createPushSender } from './providers/push/index.js';
import type { PushSender } from './providers/push/push.port.js';
import { registerCallsModule } from './modules/calls/index.js';
import { createContactDirectory, registerContactsModule } from './modules/contacts/index.js';
import { createMediaService } from './modules/media/media.service.js';
import { mediaRoutes } from './modules/media/media.routes.js';
import { registerMessagingModule } from './modules/messaging/index.js';
import { createNotificationsModule } from './modules/notifications/index.js';
import { registerNumbersModule } from './modules/numbers/index.js';
import { sandboxRoutes } from './modules/sandbox/sandbox.routes.js';
import { createTokenSigner } from './platform/auth/access-tokens.js';
import { createCipher, parseKeyring } from './platform/crypto.js';
import type { DatabaseHandle } from './platform/db/client.js';
import { createOutboxMailer, createSmtpMailer, type Mailer } from './platform/email/mailer.js';
import { AppError } from './platform/errors.js';
import { createJobQueue, type JobHandler, type JobQueue, startJobWorker } from './platform/jobs/job-queue.js';
import { registerJobMetrics } from './platform/jobs/job-metrics.js';
import { registerAuthentication } from './platform/http/authenticate.js';
import { registerErrorHandler } from './platform/http/error-handler.js';
import { type HealthProbes, registerHealth } from './platform/http/health.js';
import { registerMetrics } from './platform/http/metrics.js';
import { registerOpenApi } from './platform/http/openapi.js';
import { registerWebApp } from './platform/http/web-app.js';
import { loggerOptions } from './platform/logger.js';
import { registerWebhookReplay } from './platform/webhooks/webhook-replay.js';
import { attachRealtime } from './platform/realtime/socket-server.js';
import type { Secrets } from './platform/secrets.js';
import { createDataKeys } from './platform/crypto-keys/data-keys.js';
import { createLocalStorage } from './platform/storage/local-storage.js';
import { createS3Storage } from './platform/storage/s3-storage.js';
import { createCarrier, type RunningCarrier } from './providers/carrier/index.js';
import { describeDeliveryError } from './providers/carrier/twilio/delivery-errors.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The durable job queue; tests run due jobs through it. */
    jobs: JobQueue;
    /** Resolves once the carrier's callbacks in flight have landed (the sandbox's network). */
    carrierIdle: () => Promise<void>;
  }
}

export interface AppDeps {
  database: DatabaseHandle;
  redis?: Redis | undefined;
  secrets: Secrets;
  /** Tests pass their own; otherwise SMTP when SMTP_URL is set, else the outbox. */
  mailer?: Mailer;
  clock?: () => Date;
  webDistDir?: string;
  /** Tests pass their own; otherwise the one CARRIER names. */
  carrier?: RunningCarrier;
  /** Poll the job queue in the background (main.ts); tests run jobs themselves. */
  runJobWorker?: boolean;
  /** Tests pass their own; otherwise Web Push, plus FCM and APNs when configured. */
  push?: PushSender;
}

const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));
const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;

/** Platform plugins, then modules. main.ts and the tests both build the app here. */
export async function buildApp(config: Config, deps: AppDeps): Promise<FastifyInstance> {
  const clock = deps.clock ?? (() => new Date());
  const app = Fastify({
    logger: loggerOptions(config.logLevel),
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Fastify would trust the header as is; genReqId reads it and keeps it only if it looks like an id,
    // so log lines and responses cannot be forged through it.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    requestTimeout: 30_000,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const https = config.publicUrl.startsWith('https://');
  const stripe = config.billing.kind === 'stripe';
  await app.register(helmet, {
    // HSTS means nothing over plain HTTP, and would pin a local host to HTTPS.
    strictTransportSecurity: https,
    contentSecurityPolicy: {
      directives: {
        'img-src': ["'self'", 'data:', 'blob:'],
        'connect-src': [
          "'self'",
          ...config.corsOrigins,
          ...(stripe ? ['https://api.stripe.com'] : []),
          // Twilio's Voice SDK signals over its own websocket and reports call quality to its own host.
          ...(config.carrier.kind === 'twilio' ? ['wss://*.twilio.com', 'https://*.twilio.com'] : []),
        ],
        // Stripe Elements: its script and the frames that hold the card fields (and 3-D Secure).
        ...(stripe
          ? {
              'script-src': ["'self'", 'https://js.stripe.com'],
              'frame-src': ['https://js.stripe.com', 'https://hooks.stripe.com'],
            }
          : {}),
        'media-src': ["'self'", 'blob:'],
        // Served over plain HTTP (local use), upgrading would break every asset.
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
  });
  await app.register(cors, {
    origin: config.corsOrigins.length ? [...config.corsOrigins] : false,
    credentials: true,
    exposedHeaders: ['x-request-id', 'retry-after'],
  });
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimit.max,
    timeWindow: config.rateLimit.windowMs,
    ...(deps.redis ? { redis: deps.redis, nameSpace: 'commpro:rl:' } : {}),
    // A Redis outage must not take the whole API down; /health reports it.
    skipOnError: true,
    // Static assets of the web app are not API traffic.
    allowList: (request) => !request.url.startsWith('/api') && request.routeOptions.url !== undefined,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`, {
        retryAfter: context.ttl / 1000,
      }),
  });

  await registerOpenApi(app, config.publicUrl);
  const metrics = registerMetrics(app, { token: config.metricsToken });
  const carrier: RunningCarrier =
    deps.carrier ??
    createCarrier(config, {
      db: deps.database.db,
      clock,
      publicUrl: config.publicUrl,
      jwtSecret: deps.secrets.jwtSecret,
      // The sandbox calls our webhook routes in-process: same routes, same signature check, no network.
      sandboxPost: async (url, params, signature) => {
        const target = new URL(url);
        if (`${target.protocol}//${target.host}` !== new URL(config.publicUrl).origin) return;
        const res = await app.inject({
          method: 'POST',
          url: `${target.pathname}${target.search}`,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
          payload: new URLSearchParams(params).toString(),
        });
        if (res.statusCode >= 400) throw new Error(`sandbox callback to ${target.pathname} answered ${res.statusCode}`);
      },
      onError: (err) => app.log.error({ err }, 'sandbox carrier callback failed'),
    });
  // Shared by /health and the admin overview.
  const healthProbes: HealthProbes = {
    database: () => deps.database.ping(),
    redis: deps.redis ? async () => void (await deps.redis!.ping()) : undefined,
    carrier: () => carrier.checkCredentials(),
  };
  registerHealth(app, healthProbes);
  // Webhook routes register what an operator may replay; the admin routes run it.
  const webhookReplay = registerWebhookReplay(app);

  const signer = createTokenSigner(deps.secrets.jwtSecret, clock);
  // Realtime, authentication and auth need each other: the auth module (registered below) fills this in
  // before the server listens, so no socket or request can get through earlier.
  const sessions: Pick<AuthService, 'isSessionActive' | 'accessState'> = {
    isSessionActive: async () => false,
    accessState: async () => 'CLOSED',
  };
  registerAuthentication(app, signer, (claims) => sessions.accessState(claims));
  const realtime = attachRealtime(app, {
    signer,
    redis: deps.redis,
    corsOrigins: config.corsOrigins,
    isSessionActive: (claims) => sessions.isSessionActive(claims),
    metrics,
  });
  const mailer =
    deps.mailer ??
    (config.email.smtpUrl
      ? createSmtpMailer(config.email.smtpUrl, config.email.from)
      : createOutboxMailer(deps.database.db, app.log, { logLinks: config.env !== 'production' }));

  const jobHandlers: Record<string, JobHandler> = {};
  const jobMetrics = registerJobMetrics(metrics, { db: deps.database.db, clock });
  const jobs = createJobQueue({
    db: deps.database.db,
    handlers: jobHandlers,
    clock,
    log: app.log,
    onFailure: jobMetrics.onFailure,
  });
  app.decorate('jobs', jobs);
  const cipher = createCipher(parseKeyring(deps.secrets.encryptionKeys));
  const contacts = createContactDirectory(deps.database.db);
  const notificationsModule = createNotificationsModule({
    db: deps.database.db,
    jobs,
    push: deps.push ?? createPushSender(config, app.log),
    realtime,
    contactName: (userId, phoneNumber, tx) => contacts.nameFor(userId, phoneNumber, tx),
    log: app.log,
    extraPushOrigins: config.push.extraOrigins,
    clock,
  });
  const notifications = notificationsModule.service;
  Object.assign(jobHandlers, notificationsModule.jobHandlers);
  notificationsModule.delivery.registerMetrics(metrics);
  await notificationsModule.registerRoutes(app);
  const billingModule = createBillingModule({
    db: deps.database.db,
    jobs,
    notifications,
    payments:
      config.billing.kind === 'stripe'
        ? {
            provider: 'stripe',
            port: createStripeProvider({
              secretKey: config.billing.secretKey,
              webhookSecret: config.billing.webhookSecret,
              prices: config.billing.prices,
              apiBaseUrl: config.billing.apiUrl,
            }),
            publishableKey: config.billing.publishableKey,
          }
        : { provider: 'local' },
    webhooksPerMinute: config.webhooksPerMinute,
    vatRatePercent: config.invoicing.vatRatePercent,
    seller: config.invoicing.seller,
    publicUrl: config.publicUrl,
    clock,
  });
  const billing = billingModule.service;
  Object.assign(jobHandlers, billingModule.jobHandlers);
  await billingModule.registerRoutes(app);

  const auth = await registerAuthModule(app, {
    db: deps.database.db,
    signer,
    cipher,
    mailer,
    realtime,
    publicUrl: config.publicUrl,
    loginLimit: config.loginLimit,
    emailSendLimitPerHour: config.emailSendLimitPerHour,
    clock,
    onAccountCreated: (userId) => billing.ensure(userId),
  });
  sessions.isSessionActive = auth.isSessionActive;
  sessions.accessState = auth.accessState;

  const numbers = await registerNumbersModule(app, {
    db: deps.database.db,
    carrier,
    billing,
    notifications,
    jobs,
    cipher,
    publicUrl: config.publicUrl,
    carrierCallsPerMinute: config.carrierCallsPerMinute,
    clock,
  });
  Object.assign(jobHandlers, numbers.jobHandlers);

  const storage =
    config.storage.kind === 's3'
      ? createS3Storage(config.storage)
      : createLocalStorage(path.join(config.dataDir, 'files'));
  const media = createMediaService({
    db: deps.database.db,
    storage,
    urlKey: createHmac('sha256', deps.secrets.jwtSecret).update('commpro media urls').digest('base64url'),
    publicUrl: config.publicUrl,
    maxBytes: config.messages.mediaMaxBytes,
    clock,
  });
  await app.register(mediaRoutes, { prefix: '/api', signer, service: media });

  const dataKeys = createDataKeys({ db: deps.database.db, master: parseKeyring(deps.secrets.encryptionKeys), clock });
  const messaging = await registerMessagingModule(app, {
    db: deps.database.db,
    contacts,
    carrier,
    numbers: numbers.service,
    quota: billingModule.quota,
    notifications,
    sealer: dataKeys,
    jobs,
    realtime,
    describeFailure: describeDeliveryError,
    media,
    publicUrl: config.publicUrl,
    dailySendCap: config.messages.dailyCap,
    sendsPerMinute: config.messages.perMinute,
    webhooksPerMinute: config.webhooksPerMinute,
    clock,
  });
  Object.assign(jobHandlers, messaging.jobHandlers);
  // The person's rights over their data (a copy, erasure) reach into every module.
  await app.register(accountRoutes, {
    prefix: '/api/auth',
    exporter: createAccountExport({ db: deps.database.db, sealer: dataKeys, clock }),
    deletion: createAccountDeletion({
      db: deps.database.db,
      auth,
      numbers: numbers.service,
      billing,
      storage,
      realtime,
      clock,
    }),
    exportsPerHour: 5,
  });

  const calls = await registerCallsModule(app, {
    db: deps.database.db,
    contacts,
    carrier,
    numbers: numbers.service,
    quota: billingModule.quota,
    notifications,
    pushIncomingCall: notificationsModule.delivery.pushIncomingCall,
    jobs,
    realtime,
    publicUrl: config.publicUrl,
    ringTimeoutSeconds: config.calls.ringTimeoutSeconds,
    iceServers: config.calls.iceServers,
    callsPerMinute: config.calls.perMinute,
    webhooksPerMinute: config.webhooksPerMinute,
    clock,
  });
  Object.assign(jobHandlers, calls.jobHandlers);
  await registerContactsModule(app, {
    db: deps.database.db,
    history: { calls: calls.service.forContact, messages: messaging.service.forContact },
  });
  await app.register(adminRoutes, {
    prefix: '/api/admin',
    db: deps.database.db,
    users: createAdminUsers({ db: deps.database.db, auth, billing, numbers: numbers.service, clock }),
    numbers: createAdminNumbers({ db: deps.database.db, numbers: numbers.service }),
  });
  await app.register(adminInsightsRoutes, {
    prefix: '/api/admin',
    db: deps.database.db,
    healthProbes,
    carrier: config.carrier.kind,
    replay: webhookReplay,
    clock,
  });
  if (carrier.simulateInbound && carrier.simulateInboundCall) {
    await app.register(sandboxRoutes, {
      prefix: '/api/sandbox',
      sandbox: { simulateInbound: carrier.simulateInbound, simulateInboundCall: carrier.simulateInboundCall },
    });
  }
  app.decorate('carrierIdle', async () => {
    await carrier.idle?.();
  });
  // Sandbox deliveries in flight reach our own routes: let them land before the server stops.
  app.addHook('preClose', () => app.carrierIdle());
  app.addHook('onClose', async () => carrier.dispose?.());

  // A carrier that refuses our credentials is reported, not fatal: /health says carrier ERROR meanwhile.
  app.addHook('onReady', async () => {
    carrier.checkCredentials().catch((err: unknown) => {
      app.log.error({ err }, `carrier ${carrier.name} is not usable (credentials or network); numbers will fail`);
    });
  });

  if (deps.runJobWorker) {
    const worker = startJobWorker(jobs, { intervalMs: config.jobsPollMs, log: app.log });
    app.addHook('onClose', () => worker.stop());
  }

  await registerWebApp(app, deps.webDistDir ?? DEFAULT_WEB_DIST);
  return app;
}
