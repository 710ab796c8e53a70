import { createHmac, randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../../platform/db/client.js';
import { safeEqual } from '../../platform/crypto.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { FileStorage } from '../../platform/storage/storage.port.js';
import { mediaFiles } from './media.table.js';

/** The image types carriers deliver by MMS, recognised by their first bytes, not by what the client claims. */
const SIGNATURES: { type: string; matches: (b: Buffer) => boolean }[] = [
  {
    type: 'image/png',
    matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  { type: 'image/jpeg', matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { type: 'image/gif', matches: (b) => ['GIF87a', 'GIF89a'].includes(b.subarray(0, 6).toString('latin1')) },
  {
    type: 'image/webp',
    matches: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export const detectImageType = (bytes: Buffer): string | undefined => SIGNATURES.find((s) => s.matches(bytes))?.type;

/** Long enough for the carrier to fetch it and for the recipient's phone to download it. */
const URL_TTL_SECONDS = 7 * 24 * 3600;

export interface MediaServiceDeps {
  db: Database;
  storage: FileStorage;
  /** Key for the signed URLs' HMAC. */
  urlKey: string;
  publicUrl: string;
  maxBytes: number;
  clock: () => Date;
}

export function createMediaService(deps: MediaServiceDeps) {
  const { db, storage, clock } = deps;
  const sign = (id: string, expires: number) =>
    createHmac('sha256', deps.urlKey).update(`${id}.${expires}`).digest('base64url');

  function signedUrl(id: string): { url: string; expiresAt: string } {
    const expires = Math.floor(clock().getTime() / 1000) + URL_TTL_SECONDS;
    return {
      url: `${deps.publicUrl}/api/media/${id}?expires=${expires}&signature=${sign(id, expires)}`,
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  const base = new URL(deps.publicUrl);
  /** The media id when `url` is one of our media links, signed or not. */
  function idOf(url: string): string | undefined {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || parsed.origin !== base.origin) return undefined;
    return /^\/api\/media\/([0-9a-f-]{36})$/.exec(parsed.pathname.slice(base.pathname.replace(/\/$/, '').length))?.[1];
  }

  return {
    maxBytes: deps.maxBytes,

    /**
     * Our media links in a message are re-signed whenever they are handed out
     * (to the app, to the carrier), so a picture never stops loading when its
     * first signature expires. Other links are returned as they are.
     */
    freshLink(url: string): string {
      const id = idOf(url);
      return id ? signedUrl(id).url : url;
    },

    /** Whether every one of our media links among `urls` was uploaded by this user (other links are not ours to judge). */
    async ownsAll(userId: string, urls: readonly string[]): Promise<boolean> {
      const ids = [...new Set(urls.map(idOf).filter((id): id is string => id !== undefined))];
      if (!ids.length) return true;
      const rows = await db
        .select({ id: mediaFiles.id })
        .from(mediaFiles)
        .where(and(inArray(mediaFiles.id, ids), eq(mediaFiles.userId, userId)));
      return rows.length === ids.length;
    },

    async upload(userId: string, bytes: Buffer) {
      const contentType = detectImageType(bytes);
      if (!contentType) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Attach a JPEG, PNG, GIF or WebP image', {
          details: [{ field: 'file', message: 'Attach a JPEG, PNG, GIF or WebP image', code: 'MEDIA_TYPE' }],
        });
      }
      const id = randomUUID();
      const storageKey = `media/${userId}/${id}`;
      await storage.put(storageKey, bytes);
      await db
        .insert(mediaFiles)
        .values({ id, userId, contentType, sizeBytes: bytes.length, storageKey, createdAt: clock() });
      return { id, contentType, sizeBytes: bytes.length, ...signedUrl(id) };
    },

    /**
     * The file, for its owner (signed in) or for whoever holds an unexpired
     * signed URL (the carrier, the recipient's phone). Anything else is a 404.
     */
    async read(
      id: string,
      access: { userId?: string | undefined; expires?: string | undefined; signature?: string | undefined },
    ) {
      const expires = Number(access.expires);
      const signed =
        access.signature !== undefined &&
        Number.isInteger(expires) &&
        expires * 1000 > clock().getTime() &&
        safeEqual(access.signature, sign(id, expires));
      if (!signed && !access.userId) throw notFound('Media');
      const [row] = await db
        .select()
        .from(mediaFiles)
        .where(signed ? eq(mediaFiles.id, id) : and(eq(mediaFiles.id, id), eq(mediaFiles.userId, access.userId!)))
        .limit(1);
      const bytes = row && (await storage.get(row.storageKey));
      if (!row || !bytes) throw notFound('Media');
      return { bytes, contentType: row.contentType };
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
