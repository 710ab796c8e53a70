import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/env.js';
import { toE164 } from '../modules/numbers/phone-input.js';
import { resolveSecrets } from '../platform/secrets.js';
import { sandboxWebhookToken } from '../providers/carrier/sandbox/sandbox-messaging.js';
import { signTwilioRequest } from '../providers/carrier/twilio-signature.js';

const USAGE = [
  'usage: npm run sandbox -- sms --from <outside number> --to <your CommPro number> --body <text>',
  '       npm run sandbox -- call --from <outside number> --to <your CommPro number> [--hang-up-after <seconds>]',
].join('\n');

const ACCOUNT_SID = 'ACsandbox00000000000000000000000000';

/**
 * The outside world, for the sandbox carrier: texts or calls a line of this
 * instance from any number, through the same signed webhooks a real carrier
 * calls. The server must be running (PUBLIC_URL, same DATA_DIR or JWT_SECRET).
 */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      body: { type: 'string' },
      'hang-up-after': { type: 'string' },
    },
  });
  const command = positionals[0];
  if (command !== 'sms' && command !== 'call') {
    console.error(USAGE);
    return 2;
  }
  const from = toE164(values.from ?? '');
  const to = toE164(values.to ?? '');
  if (!from || !to || (command === 'sms' && !values.body)) {
    console.error(`--from and --to (phone numbers)${command === 'sms' ? ' and --body' : ''} are required.\n${USAGE}`);
    return 2;
  }
  const hangUpAfter = values['hang-up-after'] === undefined ? undefined : Number(values['hang-up-after']);
  if (hangUpAfter !== undefined && !(Number.isInteger(hangUpAfter) && hangUpAfter > 0)) {
    console.error('--hang-up-after must be a whole number of seconds');
    return 2;
  }
  const config = loadConfig();
  if (config.carrier.kind !== 'sandbox') {
    console.error('CARRIER is not sandbox: real carriers deliver real messages and calls.');
    return 2;
  }
  const token = sandboxWebhookToken(resolveSecrets(config).jwtSecret);
  const post = async (path: string, params: Record<string, string>): Promise<boolean> => {
    const url = `${config.publicUrl}${path}`;
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signTwilioRequest(token, url, params),
      },
      body: new URLSearchParams(params),
    });
    if (!response.ok) console.error(`The server answered ${response.status}: ${await response.text()}`);
    return response.ok;
  };

  if (command === 'sms') {
    const sid = `SM${randomBytes(16).toString('hex')}`;
    const sent = await post('/api/messages/webhooks/incoming', {
      MessageSid: sid,
      AccountSid: ACCOUNT_SID,
      From: from,
      To: to,
      Body: values.body!,
      NumMedia: '0',
      SmsStatus: 'received',
      ApiVersion: '2010-04-01',
    });
    if (sent) console.log(`Delivered ${sid} from ${from} to ${to} (a number that is not an active line is dropped).`);
    return sent ? 0 : 1;
  }

  const call = {
    CallSid: `CA${randomBytes(16).toString('hex')}`,
    AccountSid: ACCOUNT_SID,
    From: from,
    To: to,
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  };
  if (!(await post('/api/calls/webhooks/voice', { ...call, CallStatus: 'ringing' }))) return 1;
  console.log(`Calling ${to} from ${from} (${call.CallSid}); it rings the line owner's apps.`);
  if (hangUpAfter === undefined) return 0;
  await new Promise((resolve) => setTimeout(resolve, hangUpAfter * 1000));
  // The caller hangs up: a call still ringing becomes a missed call, a connected one completes.
  if (!(await post('/api/calls/webhooks/status', { ...call, CallStatus: 'completed' }))) return 1;
  console.log(`Hung up after ${hangUpAfter} s.`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
