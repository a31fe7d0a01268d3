import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { deleteImage, renameImage, updateImage } from "./mutations";
import { publishImage } from "./publish";

// Two requests can both pass the "is this name free?" check before either writes:
// the one that loses at the unique index must get the same conflict as a late request.
let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const outcomes = (results: { ok: boolean; error?: { code: string; fields?: Record<string, string> } }[]) =>
  results.map((result) => (result.ok ? "ok" : `${result.error?.code}: ${result.error?.fields?.name}`)).sort();

describe("two requests racing for one name", () => {
  it("rename: one wins, the other gets the name-taken conflict", async () => {
    const first = await env.addImage({ owner: env.alice, name: "first", visibility: "private" });
    const second = await env.addImage({ owner: env.alice, name: "second", visibility: "private" });
    const results = await Promise.all([renameImage(env.deps, env.alice, first, "prize"), renameImage(env.deps, env.alice, second, "prize")]);
    expect(outcomes(results)).toEqual([`conflict: You already have an image named "prize".`, "ok"]);
    expect(await env.db.image.count({ where: { createdById: env.alice.id, name: "prize" } })).toBe(1);
  });

  it("the API's rename (PATCH) too", async () => {
    const first = await env.addImage({ owner: env.bob, name: "one", visibility: "private" });
    const second = await env.addImage({ owner: env.bob, name: "two", visibility: "private" });
    const results = await Promise.all([updateImage(env.deps, env.bob, first, { name: "same" }), updateImage(env.deps, env.bob, second, { name: "same" })]);
    expect(outcomes(results)).toEqual([`conflict: You already have an image named "same".`, "ok"]);
  });

  it("publish: one copy is made, the other gets the conflict and leaves no bytes behind", async () => {
    const a = await env.addImage({ owner: env.alice, name: "golden-a", visibility: "private" });
    const b = await env.addImage({ owner: env.bob, name: "golden-b", visibility: "private" });
    const stored = () => env.db.image.findMany({ select: { storageKey: true } });
    const keysBefore = (await stored()).length;
    expect((await env.storedKeys()).length).toBe(keysBefore);
    const results = await Promise.all([publishImage(env.deps, env.admin, a, "Golden"), publishImage(env.deps, env.admin, b, "Golden")]);
    expect(outcomes(results)).toEqual([`conflict: A platform image named "Golden" already exists.`, "ok"]);
    expect(await env.db.image.count({ where: { visibility: "platform", name: "Golden" } })).toBe(1);
    expect((await stored()).length).toBe(keysBefore + 1);
    expect((await env.storedKeys()).length).toBe(keysBefore + 1);
  });
});

// A rename (or an edit) reads the image, then writes it: a deletion in between must make it a 404, not a 500.
describe("a rename racing a deletion", () => {
  const INTERLEAVINGS = 12;
  const later = async <T>(turns: number, run: () => Promise<T>): Promise<T> => {
    for (let turn = 0; turn < turns; turn += 1) await new Promise((resolve) => setImmediate(resolve));
    return run();
  };
  const writes = {
    rename: (id: string, turn: number) => renameImage(env.deps, env.alice, id, `renamed-${turn}`),
    update: (id: string, turn: number) => updateImage(env.deps, env.alice, id, { name: `updated-${turn}`, description: "edited" }),
  };
  for (const [kind, write] of Object.entries(writes)) {
    it(`${kind}: either it lands before the deletion or it is told the image is gone`, async () => {
      const codes = new Set<string>();
      for (let turns = 0; turns < INTERLEAVINGS; turns += 1) {
        const id = await env.addImage({ owner: env.alice, name: `doomed-${kind}-${turns}`, visibility: "private" });
        const [written, deleted] = await Promise.all([write(id, turns), later(turns, () => deleteImage(env.deps, env.alice, id))]);
        expect(deleted.ok).toBe(true);
        if (!written.ok) expect(written.error).toEqual({ code: "not_found", message: "This image was deleted meanwhile." });
        codes.add(written.ok ? "ok" : written.error.code);
        expect(await env.db.image.findUnique({ where: { id } })).toBeNull();
      }
      // The interleavings reached the window between the write's read and its write.
      expect(codes.has("not_found")).toBe(true);
    });
  }
});
