import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";

// Used only by the Prisma CLI (prisma.config.ts): the Wasm schema engine talks to PostgreSQL
// through @prisma/adapter-pg, which needs two fixes to run `migrate dev` and `migrate diff`.

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

type Fields = { name: string; dataTypeID: number }[];
type Result = { fields?: Fields; rows?: unknown[] };

function reportCatalogTypesAsText(result: unknown) {
  const { fields, rows } = (result ?? {}) as Result;
  for (const field of fields ?? []) {
    if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
  }
  // Prisma does not model CHECK constraints, but its Wasm schema engine panics ("unreachable")
  // when its constraint query returns one. Hide them from it: they stay in the migrations and the
  // database, and the drift check still compares everything Prisma does model.
  const column = fields?.findIndex((field) => field.name === "constraint_type") ?? -1;
  if (column >= 0 && rows) {
    const kept = rows.filter(
      (row) =>
        (Array.isArray(row) ? row[column] : (row as Record<string, unknown>).constraint_type) !==
        "c",
    );
    rows.splice(0, rows.length, ...kept);
  }
  return result;
}

/**
 * The schema engine reads catalog columns of type `name` and `"char"`, which the adapter refuses
 * to deserialize (prisma/prisma#27403). Both hold plain text, so we report them as `text`.
 */
class CatalogSafeClient extends pg.Client {
  // pg's overloads are not expressible without `any`; we only post-process the result.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | null, result: unknown) =>
        last(error, error ? result : reportCatalogTypesAsText(result));
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return (super.query as any)(...args);
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const returned = (super.query as any)(...args);
    return typeof returned?.then === "function"
      ? returned.then(reportCatalogTypesAsText)
      : returned;
  }
}

function catalogSafePool(connectionString: string) {
  return new pg.Pool({ connectionString, Client: CatalogSafeClient, max: 4 });
}

function databaseUrl(base: string, database: string) {
  const url = new URL(base);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * An adapter factory for the Prisma CLI. Besides the catalog fix, it implements the shadow
 * database itself: PrismaPg's own version keeps using the main database when configured with a
 * connection string, and drops the shadow database while its pool still holds connections.
 */
export function migrationAdapter(connectionString: string) {
  const main = new PrismaPg(catalogSafePool(connectionString));
  return {
    provider: "postgres" as const,
    adapterName: main.adapterName,
    connect: () => main.connect(),
    async connectToShadowDb() {
      const name = `prisma_shadow_${process.pid}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } finally {
        await admin.end();
      }
      const pool = catalogSafePool(databaseUrl(connectionString, name));
      const adapter = await new PrismaPg(pool).connect();
      const dispose = adapter.dispose.bind(adapter);
      adapter.dispose = async () => {
        await dispose();
        await pool.end();
        const dropper = new pg.Client({ connectionString });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      };
      return adapter;
    },
  };
}
