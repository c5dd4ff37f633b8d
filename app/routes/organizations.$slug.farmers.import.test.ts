import { beforeAll, describe, expect, test } from "vitest";
import { createSession } from "~/auth/session.server";
import { prisma } from "~/db/db.server";
import { buildCooperativeWithStaff } from "../../tests/farmer-fixtures";
import { action, loader } from "./organizations.$slug.farmers.import";
import { loader as exportLoader } from "./organizations.$slug.farmers.export.$file";

let cookie: string;
let slug: string;
let cooperativeId: number;

beforeAll(async () => {
  const { cooperative, clerk } = await buildCooperativeWithStaff();
  slug = cooperative.slug;
  cooperativeId = cooperative.id;
  cookie = (await createSession(clerk.id)).split(";")[0]!;
});

const url = (search = "") => `http://localhost/organizations/${slug}/farmers/import${search}`;
const context = { clientIp: "192.0.2.61" };

async function upload(name: string, content: Buffer | string) {
  const body = new FormData();
  body.set(
    "file",
    new File([typeof content === "string" ? content : new Uint8Array(content)], name),
  );
  return action({
    request: new Request(url(), { method: "POST", headers: { Cookie: cookie }, body }),
    params: { slug },
    context,
  });
}

const HEADER = "Member number,Name (Khmer),Gender,Birth year,Commune,Village";

describe("the import page (no JavaScript: upload → preview → confirm)", () => {
  test("an upload is previewed with nothing written, then confirmed", async () => {
    const uploaded = (await upload("m.csv", `${HEADER}\nK1,សុខ,ស្រី,1990,ក្រឡាញ់,តាច្រែង\n`)) as Response;
    expect(uploaded.status).toBe(303);
    const location = uploaded.headers.get("Location")!;
    const id = new URL(location, "http://localhost").searchParams.get("id")!;
    const page = (await loader({
      request: new Request(url(`?id=${id}`), { headers: { Cookie: cookie } }),
      params: { slug },
      context,
    })) as Awaited<ReturnType<typeof loader>>;
    expect(page.preview).toMatchObject({ rows: 1, created: 1, updated: 0, issueCount: 0 });
    expect(await prisma.farmer.count({ where: { cooperativeId } })).toBe(0);
    const confirmed = (await action({
      request: new Request(url(), {
        method: "POST",
        headers: { Cookie: cookie },
        body: new URLSearchParams({ intent: "confirm", importId: id }),
      }),
      params: { slug },
      context,
    })) as Response;
    expect(confirmed.headers.get("Location")).toBe(`/organizations/${slug}/farmers?imported=1-0`);
    expect(await prisma.farmer.count({ where: { cooperativeId } })).toBe(1);
  });

  test("a 50 MB file is refused with a message in Khmer and English, nothing kept", async () => {
    const result = (await upload("big.csv", Buffer.alloc(50 * 1024 * 1024, 0x41))) as {
      issues: { key: string; km: string; en: string }[];
    };
    expect(result.issues).toEqual([
      expect.objectContaining({
        key: "farmersImport.tooLarge",
        en: "The file is larger than 10 MB.",
        km: "ឯកសារធំជាង 10 MB។",
      }),
    ]);
    expect(await prisma.farmerImport.count({ where: { cooperativeId } })).toBe(0);
  });

  test("a wrong file type is refused on the page, not a 500", async () => {
    const result = (await upload("photo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0]))) as {
      issues: { key: string }[];
    };
    expect(result.issues.map((i) => i.key)).toEqual(["farmersImport.wrongType"]);
  });

  test("the template downloads as an XLSX file", async () => {
    const response = (await exportLoader({
      request: new Request(`http://localhost/organizations/${slug}/farmers/export/template.xlsx`, {
        headers: { Cookie: cookie },
      }),
      params: { slug, file: "template.xlsx" },
      context,
    })) as Response;
    expect(response.headers.get("Content-Type")).toContain("spreadsheetml");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe("PK");
  });
});
