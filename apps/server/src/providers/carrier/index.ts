import type { Config } from '../../config/env.js';
import type { Database } from '../../platform/db/client.js';
import type { Carrier } from './carrier.port.js';
import { createSandboxCarrier } from './sandbox/sandbox-carrier.js';
import { createTwilioCarrier } from './twilio/twilio-carrier.js';

/** Chosen once at start from CARRIER; nothing else knows which carrier runs. */
export function createCarrier(config: Config, deps: { db: Database; clock: () => Date }): Carrier {
  return config.carrier.kind === 'twilio'
    ? createTwilioCarrier({ accountSid: config.carrier.accountSid, authToken: config.carrier.authToken })
    : createSandboxCarrier({ db: deps.db, clock: deps.clock, quarantineMs: config.carrier.quarantineMs });
}

export type { Carrier } from './carrier.port.js';
