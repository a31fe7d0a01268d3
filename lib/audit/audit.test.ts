import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { createToken, revokeToken } from "../auth/tokens";
import { deleteImage, renameImage, setDeprecated, updateImageProperties } from "../catalog/mutations";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import * as actions from "./actions";
import * as access from "./access";
import * as image from "./image";
import { auditQuerySchema, exportAuditEvents, listAuditEvents } from "./query";
import * as query from "./query";
import * as record from "./record";
import { diffFields, recordAudit, SYSTEM } from "./record";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const from = (actor: Actor, address = "198.51.100.4"): Actor => ({ ...actor, origin: { via: "token", credentialId: "tok-1", clientAddress: address } });
const q = (input: Record<string, unknown> = {}) => auditQuerySchema.parse(input);
async function events(input: Record<string, unknown> = {}) {
  const page = await listAuditEvents(env.db, env.admin, q({ limit: 500, ...input }));
  if (!page.ok) throw new Error(page.error.message);
  return page.value.items;
}

describe("recording", () => {
  it("records who (user, session or token, address), when, what, on what, and the fields before and after", async () => {
    const id = await env.addImage({ owner: env.alice, name: "audited", visibility: "private" });
    const at = new Date("2031-01-02T03:04:05Z");
    await recordAudit(
      env.db,
      from(env.alice),
      { action: "image.rename", object: { id, label: "renamed" }, before: { name: "audited" }, after: { name: "renamed" } },
      at,
    );
    const [event] = await events({ object: id });
    expect(event).toMatchObject({
      at: at.toISOString(),
      action: "image.rename",
      outcome: "success",
      actor: { id: env.alice.id, email: env.alice.email, via: "token", credentialId: "tok-1", clientAddress: "198.51.100.4" },
      object: { type: "image", id, label: "renamed", projectId: null },
      before: { name: "audited" },
      after: { name: "renamed" },
    });
  });

  it("keeps sizes exact and keeps only the fields that changed", () => {
    expect(diffFields({ a: 1, b: 2n ** 60n, c: "x" }, { a: 1, b: 2n ** 60n + 1n, c: "y" }, ["a", "b", "c"])).toEqual({
      before: { b: 2n ** 60n, c: "x" },
      after: { b: 2n ** 60n + 1n, c: "y" },
    });
  });

  it("is written by the domain for renames, edits, deprecation, deletion and tokens, with the values before and after", async () => {
    const id = await env.addImage({ owner: env.bob, name: "bob-image", visibility: "private" });
    const bob = from(env.bob, "203.0.113.9");
    expect((await renameImage(env.deps, bob, id, "bob-renamed")).ok).toBe(true);
    expect((await updateImageProperties(env.deps, bob, id, { minMemoryMiB: 2048, properties: { team: "ci" } })).ok).toBe(true);
    expect((await deleteImage(env.deps, bob, id)).ok).toBe(true);
    const platform = await env.addImage({ owner: env.admin, name: "platform-audited", visibility: "platform" });
    expect((await setDeprecated(env.deps, env.admin, platform, true)).ok).toBe(true);
    const token = await createToken(env.db, bob, { name: "ci", expiresInDays: "30" });
    if (!token.ok) throw new Error(token.error.message);
    await revokeToken(env.db, bob, token.value.token.id);

    const about = await events({ object: id });
    expect(about.map((event) => [event.action, event.before, event.after, event.actor.clientAddress])).toEqual([
      ["image.delete", expect.objectContaining({ name: "bob-renamed", visibility: "private" }), null, "203.0.113.9"],
      ["image.edit", { minMemoryMiB: null, properties: {} }, { minMemoryMiB: 2048, properties: { team: "ci" } }, "203.0.113.9"],
      ["image.rename", { name: "bob-image" }, { name: "bob-renamed" }, "203.0.113.9"],
    ]);
    expect((await events({ object: platform }))[0]).toMatchObject({ action: "image.deprecate", before: { status: "ready" }, after: { status: "deprecated" } });
    expect((await events({ object: token.value.token.id })).map((event) => event.action)).toEqual(["token.revoke", "token.create"]);
  });

  it("a refused change records nothing", async () => {
    const id = await env.addImage({ owner: env.bob, name: "not-alices", visibility: "private" });
    const before = (await events()).length;
    expect((await renameImage(env.deps, env.alice, id, "stolen")).ok).toBe(false);
    expect((await deleteImage(env.deps, env.alice, id)).ok).toBe(false);
    expect((await events()).length).toBe(before);
  });
});

describe("append-only", () => {
  it("the module has no function that changes or removes an event", () => {
    for (const module of [actions, access, image, query, record]) {
      for (const name of Object.keys(module))
        expect(name, "lib/audit exports").not.toMatch(/^(update|upsert|delete|remove|purge|erase|edit|change|clear|truncate|prune|rewrite|replace)/i);
    }
  });

  it("no code anywhere writes to an event after creating it", () => {
    const offending: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          if (!["generated", "node_modules"].includes(entry.name)) walk(file);
        } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
          const source = fs.readFileSync(file, "utf8");
          if (/auditEvent\s*\.\s*(update|updateMany|upsert|delete|deleteMany)\b/.test(source) || /(UPDATE|DELETE FROM)\s+"?AuditEvent/i.test(source))
            offending.push(file);
        }
      }
    };
    for (const dir of ["lib", "app", "components", "scripts"]) walk(dir);
    expect(offending).toEqual([]);
  });

  it("the database refuses UPDATE and DELETE of an event, through Prisma and in plain SQL", async () => {
    await recordAudit(env.db, SYSTEM, { action: "image.validate", object: { id: "x", label: "kept" }, after: { status: "ready" } });
    const [event] = await events({ object: "kept" });
    const seq = event?.seq ?? 0;
    // Prisma reports the trigger's abort as a constraint violation; the SQLite driver has the trigger's own words.
    await expect(env.db.auditEvent.update({ where: { seq }, data: { action: "image.delete" } })).rejects.toThrow();
    await expect(env.db.auditEvent.deleteMany({})).rejects.toThrow();
    await expect(env.db.$executeRawUnsafe(`UPDATE "AuditEvent" SET "actorEmail" = 'someone-else' WHERE "seq" = ${seq}`)).rejects.toThrow();
    await expect(env.db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow();
    const sqlite = new Database(path.join(env.dir, "hangar.db"));
    try {
      expect(() => sqlite.prepare(`UPDATE "AuditEvent" SET "action" = 'x' WHERE "seq" = ?`).run(seq)).toThrow(
        /append-only: an AuditEvent row cannot be changed/,
      );
      expect(() => sqlite.prepare(`DELETE FROM "AuditEvent" WHERE "seq" = ?`).run(seq)).toThrow(/append-only: an AuditEvent row cannot be deleted/);
    } finally {
      sqlite.close();
    }
    expect((await events({ object: "kept" }))[0]).toEqual(event);
    expect((await events()).length).toBeGreaterThan(1);
  });
});

describe("reading", () => {
  it("filters by actor (email or id), action or kind of action, object, and time range, newest first, in pages", async () => {
    const carol = await env.db.user.create({ data: { email: "carol@test", name: "Carol" } });
    const who = { id: carol.id, email: carol.email, name: "Carol", role: "user" as const };
    for (let day = 1; day <= 5; day += 1)
      await recordAudit(
        env.db,
        who,
        { action: day % 2 ? "token.create" : "token.revoke", object: { id: `t${day}`, label: `token ${day}` } },
        new Date(`2032-03-0${day}T12:00:00Z`),
      );
    const seqs = async (input: Record<string, unknown>) => (await events(input)).map((event) => event.object.id);
    expect(await seqs({ actor: "CAROL@test" })).toEqual(["t5", "t4", "t3", "t2", "t1"]);
    expect(await seqs({ actor: carol.id, action: "token.revoke" })).toEqual(["t4", "t2"]);
    expect(await seqs({ actor: carol.id, action: "token" })).toHaveLength(5);
    expect(await seqs({ actor: carol.id, objectType: "image" })).toEqual([]);
    expect(await seqs({ actor: carol.id, from: "2032-03-02", to: "2032-03-04" })).toEqual(["t4", "t3", "t2"]);
    expect(await seqs({ actor: carol.id, from: "2032-03-02T12:00:00Z", to: "2032-03-04T12:00:00Z" })).toEqual(["t3", "t2"]);
    expect(await seqs({ object: "token 3" })).toEqual(["t3"]);

    const first = await listAuditEvents(env.db, env.admin, q({ actor: carol.id, limit: 2 }));
    expect(first.ok && first.value.items.map((event) => event.object.id)).toEqual(["t5", "t4"]);
    const next = first.ok ? first.value.next : null;
    const second = await listAuditEvents(env.db, env.admin, q({ actor: carol.id, limit: 2, before: String(next) }));
    expect(second.ok && second.value.items.map((event) => event.object.id)).toEqual(["t3", "t2"]);
  });

  it("refuses filters it cannot read, with a message", () => {
    for (const input of [{ from: "yesterday" }, { action: "DROP TABLE" }, { limit: "0x10" }, { limit: "501" }, { objectType: "planet" }, { bogus: "1" }]) {
      expect(auditQuerySchema.safeParse(input).success, JSON.stringify(input)).toBe(false);
    }
  });

  it("exports every matching event oldest first, in batches, whatever the page size", async () => {
    const who = { ...env.bob, origin: undefined };
    for (let i = 0; i < 1203; i += 1) await recordAudit(env.db, who, { action: "session.sign_in", object: { id: `bulk-${i}`, label: "bulk" } });
    const exported = await exportAuditEvents(env.db, env.admin, q({ object: "bulk", limit: 5 }));
    if (!exported.ok) throw new Error(exported.error.message);
    const ids: string[] = [];
    for await (const event of exported.value) ids.push(event.object.id ?? "");
    expect(ids).toHaveLength(1203);
    expect(ids[0]).toBe("bulk-0");
    expect(ids.at(-1)).toBe("bulk-1202");
  });

  it("only administrators read it (until projects land, nobody owns a project); nothing is read for anyone else", async () => {
    for (const [actor, code] of [
      [null, "unauthenticated"],
      [env.alice, "forbidden"],
      [env.bob, "forbidden"],
    ] as const) {
      const page = await listAuditEvents(env.db, actor, q());
      expect(page.ok ? "ok" : page.error.code).toBe(code);
      const exported = await exportAuditEvents(env.db, actor, q());
      expect(exported.ok ? "ok" : exported.error.code).toBe(code);
    }
  });
});
