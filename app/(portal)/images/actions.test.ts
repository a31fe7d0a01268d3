import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/auth/actor";
import { makeCatalogTestEnv, type CatalogTestEnv } from "@/lib/testing/catalog-env";

// The actions as a client reaches them: the signed-in actor and the catalog's
// dependencies are the test's; parsing, the domain and the database are real.
const session = vi.hoisted(() => ({ actor: null as Actor | null, env: null as CatalogTestEnv | null }));
vi.mock("next/cache", () => ({ revalidatePath: () => undefined }));
vi.mock("@/lib/auth/session", () => ({ currentActor: () => Promise.resolve(session.actor) }));
vi.mock("@/lib/catalog/runtime", () => ({ catalogDeps: () => session.env?.deps }));

const actions = await import("./actions");
type AnyAction = (...args: unknown[]) => Promise<import("./actions").ActionResult>;
// What any client can send: the TypeScript signatures bind only our own callers.
const call = (action: (...args: never[]) => Promise<unknown>, ...args: unknown[]) => (action as unknown as AnyAction)(...args);

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
  session.env = env;
});
afterAll(async () => {
  await env.close();
});

describe("server actions called with arguments of the wrong shape", () => {
  it("answer with a message and change nothing, for ids that are not ids", async () => {
    session.actor = env.admin;
    const id = await env.addImage({ owner: env.alice, name: "untouched", visibility: "private" });
    for (const bad of [{}, 42, null, ["x"], "", "x".repeat(500)]) {
      const results = await Promise.all([
        call(actions.renameAction, bad, "new-name"),
        call(actions.updatePropertiesAction, bad, { minMemoryMiB: 1 }),
        call(actions.deleteAction, bad),
        call(actions.deprecateAction, bad, true),
        call(actions.publishAction, bad, "new-name"),
      ]);
      for (const result of results) expect(result).toEqual({ ok: false, message: "That is not an image id.", fields: { id: "That is not an image id." } });
    }
    expect(await env.db.image.findMany({ select: { id: true, name: true, minMemoryMiB: true } })).toEqual([{ id, name: "untouched", minMemoryMiB: null }]);
  });

  it('deprecate takes a boolean: "false" does not deprecate', async () => {
    session.actor = env.admin;
    const id = await env.addImage({ owner: env.admin, name: "platform-one", visibility: "platform" });
    const result = await call(actions.deprecateAction, id, "false");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.message).toMatch(/deprecate \(true\) or restore \(false\)/);
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).status).toBe("ready");
    expect(await call(actions.deprecateAction, id, true)).toEqual({ ok: true });
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).status).toBe("deprecated");
  });

  it("register refuses a file name that is not a string, pointing at the field", async () => {
    session.actor = env.admin;
    fs.mkdirSync(env.deps.importDir, { recursive: true });
    fs.writeFileSync(path.join(env.deps.importDir, "disk.raw"), new Uint8Array(4096));
    for (const input of [{ fileName: 42, name: "x" }, { fileName: ["disk.raw"], name: "x" }, null]) {
      const result = await call(actions.registerAction, input);
      expect(result).toMatchObject({ ok: false, message: "Choose a file from the import directory." });
    }
    expect(await call(actions.registerAction, { fileName: 42, name: "x" })).toMatchObject({ fields: { fileName: "Choose a file from the import directory." } });
    expect(fs.existsSync(path.join(env.deps.importDir, "disk.raw"))).toBe(true);
  });

  it("a name that is not a string is refused with the name field's message", async () => {
    session.actor = env.alice;
    const id = await env.addImage({ owner: env.alice, name: "mine", visibility: "private" });
    expect(await call(actions.renameAction, id, { name: "x" })).toMatchObject({ ok: false, fields: { name: "Give the image a name." } });
    expect(await call(actions.renameAction, id, "  renamed  ")).toEqual({ ok: true });
    expect((await env.db.image.findUniqueOrThrow({ where: { id } })).name).toBe("renamed");
  });
});
