import type { SpeakerSwitch } from './call-engine';

type Output = Pick<MediaDeviceInfo, 'deviceId' | 'kind' | 'label'>;

const LOUDSPEAKER = /speaker|haut-parleur/i;

/**
 * The output to play a call on when Speaker is on: one named like a
 * loudspeaker, else the system's default output; and when it is off, the
 * system's communications device (a headset on Windows) when there is one,
 * else the default. Browsers only tell outputs apart by name.
 */
export function pickOutput(devices: readonly Output[], speakerOn: boolean): string {
  const outputs = devices.filter((device) => device.kind === 'audiooutput');
  if (speakerOn) {
    return (
      outputs.find((device) => device.deviceId !== 'communications' && LOUDSPEAKER.test(device.label))?.deviceId ?? ''
    );
  }
  return outputs.some((device) => device.deviceId === 'communications') ? 'communications' : '';
}

/** Switches an audio element between outputs; null where the browser cannot choose an output (Safari, Firefox). */
export function speakerSwitchFor(audio: HTMLAudioElement): SpeakerSwitch | null {
  if (typeof audio.setSinkId !== 'function') return null;
  return {
    async set(on) {
      const devices = await navigator.mediaDevices.enumerateDevices();
      await audio.setSinkId(pickOutput(devices, on));
    },
  };
}
