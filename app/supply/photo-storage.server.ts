import fs from "node:fs/promises";
import path from "node:path";
import { env } from "~/env.server";

/** Where listing photos live. Local disk by default; an object store can implement the same three calls. */
export type PhotoStorage = {
  put(key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
  delete(key: string): Promise<void>;
};

export const PHOTO_KEY = /^[a-z0-9-]{1,80}\.webp$/;

export function localDiskStorage(root: string): PhotoStorage {
  const file = (key: string) => {
    if (!PHOTO_KEY.test(key)) throw new Error(`Invalid photo key ${key}`);
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

export const photoStorage: PhotoStorage = localDiskStorage(
  path.resolve(env.PHSAR_DATA_DIR, "photos"),
);
