// A real S3-compatible server (s3rver: S3's REST API with signature checks, objects on disk) on
// 127.0.0.1, for tests of the object storage. The app talks to it with @aws-sdk/client-s3, as it
// would to AWS, MinIO or R2.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

// s3rver's built-in account.
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export async function startS3Server(bucket = "phsar-test") {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "phsar-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    bucket,
    endpoint,
    /** The variables that point Phsar at this server. */
    env: {
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    },
    async stop() {
      await server.close();
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
