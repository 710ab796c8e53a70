import {
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { FileStorage } from './storage.port.js';

export interface S3StorageOptions {
  /** Omit for AWS itself; e.g. https://<account>.r2.cloudflarestorage.com for R2, http://minio:9000 for MinIO. */
  endpoint?: string;
  /** `auto` for R2; the bucket's region on AWS. */
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `/bucket/key` instead of `bucket.host/key` (MinIO and most self-hosted servers). */
  forcePathStyle?: boolean;
  /** Prepended to every key, so one bucket can hold several deployments. */
  prefix?: string;
}

/**
 * Files as objects in an S3-compatible bucket (AWS S3, Cloudflare R2, MinIO).
 * Keys are ours (`media/<user>/<uuid>`), never a caller's path. Errors other
 * than "no such object" are thrown as the SDK raised them.
 */
export function createS3Storage(options: S3StorageOptions): FileStorage {
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region,
    forcePathStyle: options.forcePathStyle ?? false,
    // Explicit, so the SDK never falls back to ~/.aws, instance metadata or AWS_* variables.
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    // Checksums only where the S3 API requires them: the default CRC32 headers
    // and trailers are not understood by every S3-compatible server.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A storage server that stops answering fails the request instead of holding it forever.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000, throwOnRequestTimeout: true },
  });
  const folder = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const prefix = folder ? `${folder}/` : '';
  const objectKey = (key: string) => {
    if (!/^[A-Za-z0-9/_-]+$/.test(key) || key.includes('..')) throw new Error('invalid storage key');
    return `${prefix}${key}`;
  };
  const target = (key: string) => ({ Bucket: options.bucket, Key: objectKey(key) });

  return {
    async put(key, bytes) {
      await client.send(new PutObjectCommand({ ...target(key), Body: bytes, ContentType: 'application/octet-stream' }));
    },
    async get(key) {
      try {
        const object = await client.send(new GetObjectCommand(target(key)));
        if (!object.Body) return undefined;
        return Buffer.from(await object.Body.transformToByteArray());
      } catch (error) {
        if (isMissingObject(error)) return undefined;
        throw error;
      }
    },
    async delete(key) {
      try {
        // S3 answers 204 whether or not the object existed; some compatible servers answer 404.
        await client.send(new DeleteObjectCommand(target(key)));
      } catch (error) {
        if (!isMissingObject(error)) throw error;
      }
    },
  };
}

/** The object is absent, as opposed to the bucket being missing or the server failing. */
function isMissingObject(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false;
  if (error.name === 'NoSuchKey' || error.name === 'NotFound') return true;
  return error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket';
}
