import { afterAll, beforeAll, expect, it } from "vitest";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";

// The audit trail through the running server: a change made with an API token names the token and the
// client's address, as the front door determined it; the trail reads and exports over HTTP, for whom it should.
let server: HangarServer;
beforeAll(async () => {
  server = await startHangarServer();
});
afterAll(async () => {
  await server.close();
});

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

it("a rename through the API records the token and the client's address; the owner reads it, others are refused; the export is JSON lines", async () => {
  const token = await server.token(server.demo, { name: "audit script" });
  const id = await server.addImage({ owner: server.demo, name: "api-audited", visibility: "private" });
  const renamed = await fetch(`${server.url}/api/v1/images/${id}`, {
    method: "PATCH",
    headers: { ...bearer(token.secret), "content-type": "application/json" },
    body: JSON.stringify({ name: "api-audited-2" }),
  });
  expect(renamed.status).toBe(200);
  const event = await server.db.auditEvent.findFirstOrThrow({ where: { action: "image.rename", objectId: id } });
  expect(event).toMatchObject({ actorId: server.demo.id, via: "token", viaId: token.id });
  expect(event.clientAddress).toMatch(/^(?:127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)$/);

  const project = event.projectId ?? "";
  const query = new URLSearchParams({ project, action: "image.rename" });
  const page = await fetch(`${server.url}/api/v1/audit?${query}`, { headers: bearer(token.secret) });
  expect(page.status).toBe(200);
  const body = (await page.json()) as { events: { object: { id: string }; before: unknown; after: unknown }[] };
  expect(body.events).toContainEqual(
    expect.objectContaining({ object: { type: "image", id }, before: { name: "api-audited" }, after: { name: "api-audited-2" } }),
  );

  const lines = await fetch(`${server.url}/api/v1/audit?${query}`, { headers: { ...bearer(token.secret), accept: "application/x-ndjson" } });
  expect(lines.status).toBe(200);
  expect(lines.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
  const exported = (await lines.text())
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line) as { action: string; object: { id: string } });
  expect(exported.map((line) => line.action)).toEqual(exported.map(() => "image.rename"));
  expect(exported.map((line) => line.object.id)).toContain(id);

  const other = await server.token(server.other);
  expect((await fetch(`${server.url}/api/v1/audit?${query}`, { headers: bearer(other.secret) })).status).toBe(404);
  // Their own export holds their personal project's events only (the owner of each), none of the demo user's.
  const theirs = await (await fetch(`${server.url}/api/v1/audit?format=jsonl`, { headers: bearer(other.secret) })).text();
  expect(theirs).not.toContain(project);
  expect((await fetch(`${server.url}/api/v1/audit`)).status).toBe(401);
  const admin = await server.token(server.admin);
  expect((await fetch(`${server.url}/api/v1/audit?limit=1`, { headers: bearer(admin.secret) })).status).toBe(200);
  expect((await fetch(`${server.url}/api/v1/audit?limit=100000`, { headers: bearer(admin.secret) })).status).toBe(400);
});
