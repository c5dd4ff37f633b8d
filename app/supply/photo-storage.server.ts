import fs from "node:fs/promises";
import path from "node:path";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { type Env, env } from "~/env.server";

/**
 * Where uploaded files (listing and catalogue photos) live: local disk by default, any S3-compatible
 * store when S3_BUCKET is set (docs/decisions/027-object-storage.md). Nothing is ever served from
 * the store directly: /photos/$key reads through this interface and applies the visibility rule,
 * so the bucket stays private.
 */
export type PhotoStorage = {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
};

export const PHOTO_KEY = /^[a-z0-9-]{1,80}\.webp$/;

function checkKey(key: string) {
  if (!PHOTO_KEY.test(key)) throw new Error(`Invalid photo key ${key}`);
}

export function localDiskStorage(root: string): PhotoStorage {
  const file = (key: string) => {
    checkKey(key);
    return path.join(root, key);
  };
  return {
    async put(key, data) {
      await fs.mkdir(root, { recursive: true });
      // Write then rename, so a reader never sees half a file.
      const temporary = `${file(key)}.${process.pid}.tmp`;
      await fs.writeFile(temporary, data);
      await fs.rename(temporary, file(key));
    },
    async get(key) {
      if (!PHOTO_KEY.test(key)) return null;
      return fs.readFile(file(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT") return null;
        throw error;
      });
    },
    async delete(key) {
      await fs.rm(file(key), { force: true });
    },
  };
}

export type S3Settings = {
  bucket: string;
  /** Unset: AWS itself (by region). Set for MinIO, Cloudflare R2, DigitalOcean Spaces, … */
  endpoint?: string;
  region: string;
  /** Unset: the SDK's own chain (instance role, AWS_* variables). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Bucket in the path (MinIO and most self-hosted stores) rather than in the host name. */
  forcePathStyle: boolean;
  /** Put every key under this folder, so one bucket can hold several deployments. */
  prefix: string;
};

export function s3Storage(settings: S3Settings, client?: S3Client): PhotoStorage {
  const s3 =
    client ??
    new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      credentials: settings.credentials,
      forcePathStyle: settings.forcePathStyle,
    });
  const Bucket = settings.bucket;
  const objectKey = (key: string) => {
    checkKey(key);
    return `${settings.prefix}${key}`;
  };
  return {
    async put(key, data) {
      // One PUT is atomic in S3: readers see the whole object or none.
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: objectKey(key),
          Body: data,
          ContentType: "image/webp",
        }),
      );
    },
    async get(key) {
      if (!PHOTO_KEY.test(key)) return null;
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        if (!object.Body) return null;
        return Buffer.from(await object.Body.transformToByteArray());
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        // Some stores answer a missing key with a bare 404 rather than NoSuchKey.
        if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404)
          return null;
        throw error;
      }
    },
    async delete(key) {
      // Deleting a missing key succeeds in S3, like `rm --force`.
      await s3.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
  };
}

export function s3SettingsFromEnv(e: Env): S3Settings | null {
  if (!e.S3_BUCKET) return null;
  return {
    bucket: e.S3_BUCKET,
    endpoint: e.S3_ENDPOINT,
    region: e.S3_REGION,
    credentials:
      e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: e.S3_FORCE_PATH_STYLE ?? Boolean(e.S3_ENDPOINT),
    prefix: e.S3_PREFIX ?? "",
  };
}

export function storageFromEnv(e: Env): PhotoStorage {
  const s3 = s3SettingsFromEnv(e);
  return s3 ? s3Storage(s3) : localDiskStorage(path.resolve(e.PHSAR_DATA_DIR, "photos"));
}

export const photoStorage: PhotoStorage = storageFromEnv(env);
