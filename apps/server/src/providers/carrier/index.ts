import type { Config } from '../../config/env.js';
import type { Database } from '../../platform/db/client.js';
import type { Carrier } from './carrier.port.js';
import { createSandboxCarrier } from './sandbox/sandbox-carrier.js';
import {
  createSandboxMessaging,
  type SandboxControls,
  type SandboxPost,
  sandboxWebhookToken,
} from './sandbox/sandbox-messaging.js';
import { createTwilioCarrier } from './twilio/twilio-carrier.js';

export interface CarrierDeps {
  db: Database;
  clock: () => Date;
  publicUrl: string;
  jwtSecret: string;
  /** How the sandbox reaches our own webhook routes (in-process). */
  sandboxPost: SandboxPost;
  onError: (error: unknown) => void;
}

/** A carrier as the app runs it; the sandbox adds its controls (idle, simulateInbound). */
export type RunningCarrier = Carrier & Partial<SandboxControls>;

/** Chosen once at start from CARRIER; nothing else knows which carrier runs. */
export function createCarrier(config: Config, deps: CarrierDeps): RunningCarrier {
  if (config.carrier.kind === 'twilio') {
    return createTwilioCarrier({ accountSid: config.carrier.accountSid, authToken: config.carrier.authToken });
  }
  return {
    ...createSandboxCarrier({ db: deps.db, clock: deps.clock, quarantineMs: config.carrier.quarantineMs }),
    ...createSandboxMessaging({
      db: deps.db,
      webhookToken: sandboxWebhookToken(deps.jwtSecret),
      publicUrl: deps.publicUrl,
      post: deps.sandboxPost,
      stepDelayMs: config.carrier.stepDelayMs,
      onError: deps.onError,
    }),
  };
}

export type { Carrier } from './carrier.port.js';
