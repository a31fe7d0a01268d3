import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COUNT_CAP } from "../catalog/page-total";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";

// Past COUNT_CAP matching images the catalog stops counting (lib/catalog/page-total.ts): the API says so with
// totalExact, the /images page with "10,000+". On both databases: the production server, a bulk-seeded catalog.
// The bulk is COUNT_CAP + EXTRA images named bulk-NNNNN, two pages past the cap; the lists search "bulk-", which
// leaves out the images the server seeds itself.
const EXTRA = 25;
const PAGE_SIZE = 20;

let server: HangarServer;
let token: string;
let cookie: string;

beforeAll(async () => {
  server = await startHangarServer();
  token = (await server.token(server.demo)).secret;
  cookie = await server.cookie(server.demo);
  const names = Array.from({ length: COUNT_CAP + EXTRA }, (_, i) => `bulk-${String(i + 1).padStart(5, "0")}`);
  // Lower case ASCII names are their own keys (lib/catalog/image-name.ts).
  for (let start = 0; start < names.length; start += 1000)
    await server.db.image.createMany({
      data: names.slice(start, start + 1000).map((name) => ({
        name,
        nameKey: name,
        nameScope: "platform",
        visibility: "platform",
        status: "ready",
        diskFormat: "raw",
        createdById: server.admin.id,
      })),
    });
  // SQLite's driver is synchronous: the seeding holds this process's event loop past the server's keep-alive
  // timeout, and the first request on the connection left idle meanwhile meets its close ("other side closed",
  // under load). This request takes that connection; the tests' requests get a live one.
  await fetch(`${server.url}/healthz`).catch(() => undefined);
});
afterAll(async () => {
  await server.close();
});

async function list(query: Record<string, string>) {
  const answer = await fetch(`${server.url}/api/v1/images?${new URLSearchParams({ scope: "platform", q: "bulk-", ...query })}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(answer.status).toBe(200);
  const body = (await answer.json()) as { items: { name: string }[]; total: number; totalExact: boolean; pageCount: number };
  return { names: body.items.map((item) => item.name), total: body.total, totalExact: body.totalExact, pageCount: body.pageCount };
}

/** The page's text as a person reads it: React's text separators and the tags gone. */
async function pageText(query: string): Promise<string> {
  const answer = await fetch(`${server.url}/images${query}`, { headers: { cookie } });
  expect(answer.status).toBe(200);
  return (await answer.text()).replace(/<!-- -->/g, "").replace(/<[^>]+>/g, " ");
}

describe("a catalog larger than the count's cap", () => {
  it("the API gives the cap as a lower bound, totalExact false, and the pages known to exist", async () => {
    expect(await list({})).toMatchObject({ total: COUNT_CAP, totalExact: false, pageCount: COUNT_CAP / PAGE_SIZE });
  });

  it("a page that sees the list's end gives the exact total, past the cap too", async () => {
    // The page query reads COUNT_WINDOW ids from the page's first on (lib/catalog/page-total.ts): these pages see the last image.
    const pastCap = await list({ page: String(COUNT_CAP / PAGE_SIZE + 1) });
    expect(pastCap).toMatchObject({ total: COUNT_CAP + EXTRA, totalExact: true, pageCount: COUNT_CAP / PAGE_SIZE + 2 });
    expect(pastCap.names).toHaveLength(PAGE_SIZE);
    expect(pastCap.names.at(-1)).toBe(`bulk-${COUNT_CAP + PAGE_SIZE}`);
    const last = await list({ page: String(COUNT_CAP / PAGE_SIZE + 2) });
    expect(last).toEqual({
      names: Array.from({ length: EXTRA - PAGE_SIZE }, (_, i) => `bulk-${String(COUNT_CAP + PAGE_SIZE + 1 + i).padStart(5, "0")}`),
      total: COUNT_CAP + EXTRA,
      totalExact: true,
      pageCount: COUNT_CAP / PAGE_SIZE + 2,
    });
    // Past the end the page reads nothing and the count says how far the list goes: the cap, a lower bound.
    expect(await list({ page: String(COUNT_CAP / PAGE_SIZE + 3) })).toEqual({
      names: [],
      total: COUNT_CAP,
      totalExact: false,
      pageCount: COUNT_CAP / PAGE_SIZE + 3,
    });
  });

  it("a search under the cap counts exactly", async () => {
    // bulk-00010 to bulk-00019.
    expect(await list({ q: "BULK-0001" })).toMatchObject({ total: 10, totalExact: true, pageCount: 1 });
    // More matches than a page, fewer than the page query's window: bulk-00001 to bulk-00099.
    expect(await list({ q: "bulk-000" })).toMatchObject({ total: 99, totalExact: true, pageCount: 5 });
    expect(await list({ q: "no-such-image" })).toEqual({ names: [], total: 0, totalExact: true, pageCount: 1 });
  });

  it("searches of one or two characters find what longer ones do, though no trigram narrows them", async () => {
    // Read without bitmap scans on PostgreSQL (lib/db/without-bitmap-scans.ts): the same rows, the same totals.
    expect(await list({ q: "q" })).toEqual({ names: [], total: 0, totalExact: true, pageCount: 1 });
    const many = await list({ q: "LK" });
    expect(many).toMatchObject({ total: COUNT_CAP, totalExact: false });
    expect(many.names).toEqual(Array.from({ length: PAGE_SIZE }, (_, i) => `bulk-${String(i + 1).padStart(5, "0")}`));
    // bulk-00099, bulk-00199, ... bulk-00990 to bulk-00999, ...: 280 names, a total from the page query's window.
    expect(await list({ q: "99", page: "2", pageSize: "5" })).toEqual({
      names: ["bulk-00599", "bulk-00699", "bulk-00799", "bulk-00899", "bulk-00990"],
      total: 280,
      totalExact: true,
      pageCount: 56,
    });
  });

  it("the /images page shows the cap with a plus, and exact counts as they are", async () => {
    const text = await pageText("?platform.q=bulk-");
    expect(text).toContain(`1–20 of ${COUNT_CAP.toLocaleString("en-US")}+`);
    expect(text).toContain(`Page 1 of ${(COUNT_CAP / PAGE_SIZE).toLocaleString("en-US")}+`);
    const search = await pageText("?platform.q=bulk-0001");
    expect(search).toContain("1–10 of 10 ");
    expect(search).toContain("Page 1 of 1 ");
  });
});
