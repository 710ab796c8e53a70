import type { Config } from '../../config/env.js';
import { createApnsVoipSender } from './apns-voip-sender.js';
import { createFcmSender, firebaseMessaging } from './fcm-sender.js';
import { type PushChannel, PushError, type PushSender } from './push.port.js';
import { appleRefusesSubject, resolveVapidKeys } from './vapid-keys.js';
import { createWebPushSender } from './web-push-sender.js';

/** What each channel needs set, for the NOT_CONFIGURED message. */
const SETTINGS: Record<Exclude<PushChannel, 'WEB'>, string> = {
  FCM: 'FCM_SERVICE_ACCOUNT_JSON',
  APNS_VOIP: 'APNS_KEY, APNS_KEY_ID, APNS_TEAM_ID and APNS_BUNDLE_ID',
};

const notConfigured = (channel: Exclude<PushChannel, 'WEB'>) =>
  new PushError('NOT_CONFIGURED', `${channel} pushes are not configured on this server (${SETTINGS[channel]})`);

/**
 * The push sender as the server runs it: Web Push always (VAPID keys from the
 * environment or DATA_DIR), FCM and APNs VoIP when their credentials are set.
 */
export function createPushSender(config: Config, log: { warn(obj: object, msg: string): void }): PushSender {
  const vapidKeys = resolveVapidKeys(config);
  const subject = config.push.vapidSubject;
  if (appleRefusesSubject(subject)) {
    log.warn(
      { vapidSubject: subject },
      "Apple's push service refuses this VAPID subject: Safari and iOS web apps get no pushes until VAPID_SUBJECT is a real mailto: or https: contact",
    );
  }
  const web = createWebPushSender({
    vapid: { ...vapidKeys, subject },
    // Only for the extra origins an operator named (a test's local push service); the module checks origins.
    allowHttpEndpoints: config.push.extraOrigins.some((origin) => origin.startsWith('http:')),
  });
  const fcm = config.push.fcm ? createFcmSender({ messaging: firebaseMessaging(config.push.fcm) }) : undefined;
  const apns = config.push.apnsVoip ? createApnsVoipSender(config.push.apnsVoip) : undefined;

  const channels = new Set<PushChannel>(['WEB']);
  if (fcm) channels.add('FCM');
  if (apns) channels.add('APNS_VOIP');

  return {
    channels,
    vapidPublicKey: vapidKeys.publicKey,
    async send(target, message) {
      switch (target.channel) {
        case 'WEB':
          return web.send(target, message);
        case 'FCM':
          if (!fcm) throw notConfigured('FCM');
          return fcm.send(target, message);
        case 'APNS_VOIP':
          if (!apns) throw notConfigured('APNS_VOIP');
          return apns.send(target, message);
      }
    },
  };
}

export { PushError } from './push.port.js';
export type { PushChannel, PushErrorReason, PushMessage, PushSender, PushTarget } from './push.port.js';
