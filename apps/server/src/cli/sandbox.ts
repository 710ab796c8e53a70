import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env.js';
import { toE164 } from '../modules/numbers/phone-input.js';
import { resolveSecrets } from '../platform/secrets.js';
import { sandboxWebhookToken } from '../providers/carrier/sandbox/sandbox-messaging.js';
import { signTwilioRequest } from '../providers/carrier/twilio-signature.js';

const USAGE = 'usage: npm run sandbox -- sms --from <outside number> --to <your CommPro number> --body <text>';

/**
 * The outside world, for the sandbox carrier: sends a text from any number to
 * a line of this instance, through the same signed webhook a real carrier
 * calls. The server must be running (PUBLIC_URL, same DATA_DIR or JWT_SECRET).
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { from: { type: 'string' }, to: { type: 'string' }, body: { type: 'string' } },
  });
  if (positionals[0] !== 'sms') {
    console.error(USAGE);
    return 2;
  }
  const from = toE164(values.from ?? '');
  const to = toE164(values.to ?? '');
  if (!from || !to || !values.body) {
    console.error(`--from, --to (phone numbers) and --body are required. ${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  if (config.carrier.kind !== 'sandbox') {
    console.error('CARRIER is not sandbox: real carriers deliver real messages.');
    return 2;
  }
  const url = `${config.publicUrl}/api/messages/webhooks/incoming`;
  const params = {
    MessageSid: `SM${randomBytes(16).toString('hex')}`,
    AccountSid: 'ACsandbox00000000000000000000000000',
    From: from,
    To: to,
    Body: values.body,
    NumMedia: '0',
    SmsStatus: 'received',
    ApiVersion: '2010-04-01',
  };
  const signature = signTwilioRequest(sandboxWebhookToken(resolveSecrets(config).jwtSecret), url, params);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(params),
  });
  if (!response.ok) {
    console.error(`The server answered ${response.status}: ${await response.text()}`);
    return 1;
  }
  console.log(`Delivered ${params.MessageSid} from ${from} to ${to} (a number that is not an active line is dropped).`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
