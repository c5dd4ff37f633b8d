// The stats API and the CSV exports, end to end through their loaders with a monitor's session.
import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { refreshMonitoringRollup } from "~/monitoring/rollup.server";
import { buildMonitoringHistory } from "../../tests/monitoring-fixtures";
import { loader as apiLoader } from "./api.v1.stats.$table";
import { loader as csvLoader } from "./dashboard_.export.$file";

let cookie: string;
let ids: Awaited<ReturnType<typeof buildMonitoringHistory>>;

beforeAll(async () => {
  ids = await buildMonitoringHistory();
  await refreshMonitoringRollup();
  const union = await prisma.organization.create({
    data: { slug: "m-union", kind: "UNION", provinceCode: "12", nameKm: "សហភាព", nameEn: "Union" },
    select: { id: true },
  });
  const monitor = await prisma.user.create({
    data: {
      name: "Monitor",
      email: "m-monitor@phsar.test",
      memberships: { create: { organizationId: union.id, role: "MONITOR" } },
    },
    select: { id: true },
  });
  cookie = (await createSession(monitor.id)).split(";")[0]!;
});

const get = (path: string) =>
  new Request(`http://localhost${path}`, { headers: { Cookie: cookie } });

describe("GET /api/v1/stats/<table>", () => {
  test("rows as JSON with the filters applied", async () => {
    const response = (await apiLoader({
      request: get(`/api/v1/stats/prices?from=2026-03-02&to=2026-03-22&product=${ids.kale}`),
      params: { table: "prices" },
      context: {},
    })) as Response;
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.filters).toEqual({
      from: "2026-03-02",
      to: "2026-03-22",
      product: ids.kale,
      below: 10,
    });
    expect(body.rows.map((r: { median: number }) => r.median)).toEqual([2250, 2050]);
  });

  test("a bad parameter is a 400 naming it; an unknown table a 404", async () => {
    const bad = (await apiLoader({
      request: get("/api/v1/stats/volumes?province=Kandal"),
      params: { table: "volumes" },
      context: {},
    })) as Response;
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { parameter: "province", message: "must be a 2-digit province code" },
    });
    const unknown = (await apiLoader({
      request: get("/api/v1/stats/secrets"),
      params: { table: "secrets" },
      context: {},
    })) as Response;
    expect(unknown.status).toBe(404);
  });
});

describe("GET /dashboard/export/<table>.csv", () => {
  test("UTF-8 with a BOM, Khmer names intact", async () => {
    const response = (await csvLoader({
      request: get("/dashboard/export/volumes.csv?from=2026-03-02&to=2026-03-08"),
      params: { file: "volumes.csv" },
      context: {},
    })) as Response;
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toContain(
      "phsar-volumes-2026-03-02-2026-03-08.csv",
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(text.split("\r\n")[0]).toMatch(/^week,unit,product_id,product_km/);
    expect(text).toContain("2026-03-02,KG,");
    expect(text).toContain("ខាត់ណា");
  });
});
