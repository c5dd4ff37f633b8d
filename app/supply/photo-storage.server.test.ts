// The object storage against a real S3-compatible server on 127.0.0.1 (s3rver), and the choice
// between it and local disk made from the environment.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseEnv } from "~/env.server";
import { startS3Server } from "../../tests/s3-server";
import {
  localDiskStorage,
  type PhotoStorage,
  s3SettingsFromEnv,
  s3Storage,
  storageFromEnv,
} from "./photo-storage.server";

let s3: Awaited<ReturnType<typeof startS3Server>>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-disk-"));
beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const bytes = Buffer.from([0x52, 0x49, 0x46, 0x46, 1, 2, 3, 0, 255]);

describe.each([
  ["S3 (s3rver)", () => storageFromEnv(parseEnv(s3.env))],
  ["local disk", () => localDiskStorage(dir)],
] as const)("%s", (_name, make: () => PhotoStorage) => {
  test("puts, gets back the same bytes, deletes; a missing key is null", async () => {
    const storage = make();
    const key = `listing-1-${Date.now()}.webp`;
    expect(await storage.get(key)).toBeNull();
    await storage.put(key, bytes);
    expect(await storage.get(key)).toEqual(bytes);
    await storage.delete(key);
    expect(await storage.get(key)).toBeNull();
    await storage.delete(key); // deleting twice is fine
  });

  test("refuses keys that are not photo keys (no path tricks)", async () => {
    const storage = make();
    await expect(storage.put("../escape.webp", bytes)).rejects.toThrow(/Invalid photo key/);
    expect(await storage.get("../escape.webp")).toBeNull();
  });
});

describe("S3 storage", () => {
  test("a prefix keeps keys in a folder; another prefix does not see them", async () => {
    const settings = s3SettingsFromEnv(parseEnv({ ...s3.env, S3_PREFIX: "site-a/" }))!;
    const a = s3Storage(settings);
    const b = s3Storage({ ...settings, prefix: "site-b/" });
    await a.put("product-1-x.webp", bytes);
    expect(await a.get("product-1-x.webp")).toEqual(bytes);
    expect(await b.get("product-1-x.webp")).toBeNull();
  });

  test("wrong credentials fail loudly rather than reading as a missing photo", async () => {
    const settings = s3SettingsFromEnv(parseEnv(s3.env))!;
    const storage = s3Storage({
      ...settings,
      credentials: { accessKeyId: "NOBODY", secretAccessKey: "wrong" },
    });
    await expect(storage.put("listing-1-y.webp", bytes)).rejects.toThrow();
    await expect(storage.get("listing-1-y.webp")).rejects.toThrow();
  });

  test("an unreachable store is an error, not an empty answer", async () => {
    const settings = s3SettingsFromEnv(parseEnv(s3.env))!;
    const storage = s3Storage({ ...settings, endpoint: "http://127.0.0.1:1" });
    await expect(storage.get("listing-1-z.webp")).rejects.toThrow();
  });
});

describe("the S3_* variables", () => {
  test("no bucket: local disk; a bucket with an endpoint: path-style S3", () => {
    expect(s3SettingsFromEnv(parseEnv({}))).toBeNull();
    expect(
      s3SettingsFromEnv(parseEnv({ S3_BUCKET: "photos", S3_ENDPOINT: "http://minio:9000" })),
    ).toEqual({
      bucket: "photos",
      endpoint: "http://minio:9000",
      region: "us-east-1",
      credentials: undefined,
      forcePathStyle: true,
      prefix: "",
    });
    expect(s3SettingsFromEnv(parseEnv({ S3_BUCKET: "photos" }))?.forcePathStyle).toBe(false);
  });

  test("clear errors for half a configuration", () => {
    expect(() => parseEnv({ S3_BUCKET: "photos", S3_ACCESS_KEY_ID: "a" })).toThrow(
      /S3_SECRET_ACCESS_KEY="": S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together/,
    );
    expect(() => parseEnv({ S3_ENDPOINT: "http://minio:9000" })).toThrow(
      /S3_BUCKET is required when S3_ENDPOINT is set/,
    );
    expect(() => parseEnv({ S3_BUCKET: "Bad_Name" })).toThrow(/S3_BUCKET must be a bucket name/);
    expect(() => parseEnv({ S3_BUCKET: "photos", S3_PREFIX: "no-slash" })).toThrow(
      /S3_PREFIX must end with \//,
    );
  });
});
