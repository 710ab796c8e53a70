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
import { createSandboxVoice, type SandboxVoiceControls } from './sandbox/sandbox-voice.js';
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

/** A carrier as the app runs it; the sandbox adds its controls (the outside world, idle, dispose). */
export type RunningCarrier = Carrier &
  Partial<SandboxControls & Pick<SandboxVoiceControls, 'simulateInboundCall' | 'dispose'>>;

/** Chosen once at start from CARRIER; nothing else knows which carrier runs. */
export function createCarrier(config: Config, deps: CarrierDeps): RunningCarrier {
  if (config.carrier.kind === 'twilio') {
    return createTwilioCarrier({
      accountSid: config.carrier.accountSid,
      authToken: config.carrier.authToken,
      apiKeySid: config.carrier.apiKeySid,
      apiKeySecret: config.carrier.apiKeySecret,
      twimlAppSid: config.carrier.twimlAppSid,
    });
  }
  const sandbox = {
    webhookToken: sandboxWebhookToken(deps.jwtSecret),
    publicUrl: deps.publicUrl,
    post: deps.sandboxPost,
  };
  const messaging = createSandboxMessaging({
    ...sandbox,
    db: deps.db,
    stepDelayMs: config.carrier.stepDelayMs,
    onError: deps.onError,
  });
  const voice = createSandboxVoice({ ...sandbox, stepDelayMs: config.carrier.stepDelayMs, onError: deps.onError });
  return {
    ...createSandboxCarrier({ db: deps.db, clock: deps.clock, quarantineMs: config.carrier.quarantineMs }),
    ...messaging,
    ...voice,
    // Both halves of the sandbox's network may have callbacks in flight.
    idle: async () => {
      await Promise.all([messaging.idle(), voice.idle()]);
    },
  };
}

export type { Carrier } from './carrier.port.js';
