import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { renameImage } from "../catalog/mutations";
import { createProject } from "../projects/projects";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { exportAuditEvents, listAuditEvents } from "./read";

// Who reads which events: administrators all, a project's owners that project's, nobody else any.
let env: CatalogTestEnv;
let team: string;
let other: string;
let teamImage: string;
let otherImage: string;
let dave: Actor;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
  const deps = { db: env.db, defaultQuota: null };
  const created = await createProject(deps, env.admin, { name: "Readers" });
  const second = await createProject(deps, env.admin, { name: "Others" });
  if (!created.ok || !second.ok) throw new Error("no project");
  [team, other] = [created.value.id, second.value.id];
  // The test users' emails (alice@test) are not ones the member form takes: the memberships are written directly.
  await env.db.projectMember.createMany({
    data: [
      { projectId: team, userId: env.alice.id, role: "owner" },
      { projectId: team, userId: env.bob.id, role: "member" },
      { projectId: other, userId: env.bob.id, role: "owner" },
    ],
  });
  teamImage = await env.addImage({ owner: env.alice, name: "team-image", visibility: "private", projectId: team });
  otherImage = await env.addImage({ owner: env.bob, name: "other-image", visibility: "private", projectId: other });
  for (let i = 0; i < 3; i++) await renameImage(env.deps, env.alice, teamImage, `team-image-${i}`);
  await renameImage(env.deps, env.bob, otherImage, "other-renamed");
  const user = await env.db.user.create({ data: { email: "dave@test", name: "Dave" } });
  dave = { id: user.id, email: user.email, name: user.name, role: "user" };
});
afterAll(async () => {
  await env.close();
});

const read = async (actor: Actor | null, query: Record<string, string> = {}) => {
  const page = await listAuditEvents({ db: env.db }, actor, query);
  return page.ok ? page.value : page.error.code;
};

describe("who may read", () => {
  it("an administrator reads every event", async () => {
    const page = await read(env.admin, { limit: "500" });
    if (typeof page === "string") throw new Error(page);
    expect(page.events.map((event) => event.object.id)).toEqual(expect.arrayContaining([teamImage, otherImage]));
  });

  it("a project owner reads that project's events, and without a project those of every project they own", async () => {
    const page = await read(env.alice, { project: team });
    if (typeof page === "string") throw new Error(page);
    expect(page.events.length).toBeGreaterThan(0);
    expect(page.events.every((event) => event.projectId === team)).toBe(true);
    const mine = await read(env.bob);
    if (typeof mine === "string") throw new Error(mine);
    expect(mine.events.some((event) => event.object.id === otherImage)).toBe(true);
    expect(mine.events.some((event) => event.projectId === team)).toBe(false);
  });

  it("refuses a member who is not an owner, the owner of another project, a user with no project, and the anonymous", async () => {
    expect(await read(env.bob, { project: team })).toBe("forbidden");
    expect(await read(env.alice, { project: other })).toBe("not_found");
    expect(await read(dave)).toBe("forbidden");
    expect(await read(null)).toBe("unauthenticated");
    expect((await exportAuditEvents({ db: env.db }, dave, {})).ok).toBe(false);
  });

  it("an administrator's token limited to a project reads that project only", async () => {
    const limited: Actor = { ...env.admin, limits: { projectId: team, scope: "full" } };
    expect(await read(limited, { project: other })).toBe("not_found");
    const page = await read(limited, { project: team });
    expect(typeof page === "string" ? page : "ok").toBe("ok");
  });
});

describe("filters, pages and export", () => {
  it("filters by action, actor, object and time", async () => {
    const renames = await read(env.admin, { action: "image.rename", objectType: "image", objectId: teamImage });
    if (typeof renames === "string") throw new Error(renames);
    expect(renames.events.map((event) => event.after)).toEqual([{ name: "team-image-2" }, { name: "team-image-1" }, { name: "team-image-0" }]);
    const byEmail = await read(env.admin, { actor: "bob@test", action: "image.rename" });
    if (typeof byEmail === "string") throw new Error(byEmail);
    expect(byEmail.events.map((event) => event.object.id)).toEqual([otherImage]);
    const past = await read(env.admin, { to: "2000-01-01" });
    if (typeof past === "string") throw new Error(past);
    expect(past.events).toEqual([]);
    expect(await read(env.admin, { action: "image.explode" })).toBe("invalid");
    expect(await read(env.admin, { from: "2030-01-01", to: "2020-01-01" })).toBe("invalid");
    expect(await read(env.admin, { cursor: "bm90IGEgY3Vyc29y" })).toBe("invalid");
  });

  it("pages with a cursor, each event once", async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await read(env.admin, { limit: "2", ...(cursor ? { cursor } : {}) });
      if (typeof page === "string") throw new Error(page);
      expect(page.events.length).toBeLessThanOrEqual(2);
      seen.push(...page.events.map((event) => event.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const all = await env.db.auditEvent.count();
    expect(seen).toHaveLength(all);
    expect(new Set(seen).size).toBe(all);
  });

  it("exports the matching events as JSON lines", async () => {
    const stream = await exportAuditEvents({ db: env.db }, env.alice, { project: team, action: "image.rename" });
    if (!stream.ok) throw new Error(stream.error.message);
    const text = await new Response(stream.value).text();
    const lines = text
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as { action: string; projectId: string; before: unknown });
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => line.action === "image.rename" && line.projectId === team)).toBe(true);
    expect(lines[2].before).toEqual({ name: "team-image" });
  });
});
