/** Where uploaded files live: local disk under DATA_DIR today, S3-compatible storage later. */
export interface FileStorage {
  put(key: string, bytes: Buffer): Promise<void>;
  /** Undefined when nothing is stored under this key. */
  get(key: string): Promise<Buffer | undefined>;
  delete(key: string): Promise<void>;
}
