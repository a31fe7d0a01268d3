import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../auth/actor";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { updateImage } from "./mutations";

// updateImage is the API's PATCH: rename and edit in one step, all or nothing.
let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

type Who = "owner" | "other" | "admin" | "anonymous";
const actorFor = (who: Who): Actor | null => ({ owner: env.alice, other: env.bob, admin: env.admin, anonymous: null })[who];

const MATRIX: Record<"private" | "platform", Record<Who, string>> = {
  private: { owner: "ok", other: "not_found", admin: "ok", anonymous: "unauthenticated" },
  platform: { owner: "forbidden", other: "forbidden", admin: "ok", anonymous: "unauthenticated" },
};

describe.each(["private", "platform"] as const)("on a %s image", (visibility) => {
  for (const who of ["owner", "other", "admin", "anonymous"] as const) {
    for (const change of [{ name: `new-name-${who}` }, { minMemoryMiB: 4096 }, { name: `both-${who}`, osDistro: "fedora" }]) {
      const expected = MATRIX[visibility][who];
      it(`${who} ${JSON.stringify(change)}: ${expected}`, async () => {
        const owner = visibility === "private" ? env.alice : env.admin;
        const id = await env.addImage({ owner, name: `${visibility}-${who}-${Math.random()}`, visibility });
        const before = await env.db.image.findUniqueOrThrow({ where: { id } });
        const result = await updateImage(env.deps, actorFor(who), id, change);
        expect(result.ok ? "ok" : result.error.code).toBe(expected);
        const after = await env.db.image.findUniqueOrThrow({ where: { id } });
        if (expected === "ok") expect(after).toMatchObject(change);
        else expect(after).toEqual(before);
      });
    }
  }
});

it("changes nothing when one of several fields is invalid, and names that field", async () => {
  const id = await env.addImage({ owner: env.alice, name: "all-or-nothing", visibility: "private" });
  const before = await env.db.image.findUniqueOrThrow({ where: { id } });
  for (const [field, change] of [
    ["minDiskGiB", { name: "renamed", minDiskGiB: -1 }],
    ["name", { name: "", minMemoryMiB: 1024 }],
  ] as const) {
    const result = await updateImage(env.deps, env.alice, id, change);
    expect(result.ok ? "ok" : result.error.fields?.[field]).toBeTruthy();
    expect(result.ok).toBe(false);
  }
  expect(await env.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
});

it("refuses a name the owner already uses, with a conflict on the name field", async () => {
  await env.addImage({ owner: env.alice, name: "occupied", visibility: "private" });
  const id = await env.addImage({ owner: env.alice, name: "free", visibility: "private" });
  const result = await updateImage(env.deps, env.alice, id, { name: " occupied ", minMemoryMiB: 1 });
  expect(result.ok ? "ok" : [result.error.code, Boolean(result.error.fields?.name)]).toEqual(["conflict", true]);
  expect((await env.db.image.findUniqueOrThrow({ where: { id } })).minMemoryMiB).toBeNull();
});
