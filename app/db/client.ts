import { PrismaPg } from "@prisma/adapter-pg";
import type pg from "pg";
import { PrismaClient } from "./generated/client";

type EndableTransaction = {
  client: { release(error?: Error | boolean): void };
  executeRaw(query: { sql: string }): Promise<number>;
};

/**
 * Prisma 6.19 ends an interactive transaction by sending ROLLBACK (or COMMIT) and only then
 * releasing its connection. When that statement fails because the connection died (PostgreSQL
 * restarted mid-transaction), the release never happens and the pool loses the connection for good:
 * enough restarts stall the app (measured in docs/decisions/011-proof-suite.md; the same family as
 * prisma/orm#29719). Here a failed ROLLBACK or COMMIT releases the connection with its error, which
 * makes node-postgres drop it; Prisma's own later release, if any, is ignored.
 */
function releaseWhenEndFails<T>(transaction: T): T {
  const tx = transaction as unknown as EndableTransaction;
  const client = tx.client;
  const release = client.release.bind(client);
  let released = false;
  client.release = (error) => {
    if (released) return;
    released = true;
    release(error);
  };
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (query.sql === "ROLLBACK" || query.sql === "COMMIT")
        client.release(error instanceof Error ? error : true);
      throw error;
    }
  };
  return transaction;
}

class PrismaPgDroppingDeadConnections extends PrismaPg {
  override async connect() {
    const adapter = await super.connect();
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) =>
      releaseWhenEndFails(await startTransaction(isolationLevel));
    return adapter;
  }
}

/**
 * A Prisma client on the query compiler and node-postgres (no native engine). Pass `pool` to use
 * (and observe) a pool of your own.
 */
export function createPrismaClient(connectionString: string, pool?: pg.Pool) {
  return new PrismaClient({
    adapter: new PrismaPgDroppingDeadConnections(pool ?? { connectionString }),
  });
}
