import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAccounts } from "../accounts/list";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { setDeprecated } from "./mutations";
import { publishImage } from "./publish";
import { listPrivateImagesForAdmin } from "./queries";
import { listImportableFiles, registerPlatformImage } from "./register";
import { listQuerySchema } from "./schemas";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? "ok" : result.error?.code);

describe("admin-only operations", () => {
  it("deprecate: admins on platform images, owners (and admins) on private ones", async () => {
    const platform = await env.addImage({ owner: env.admin, name: "plat", visibility: "platform" });
    const mine = await env.addImage({ owner: env.alice, name: "mine", visibility: "private" });
    expect(code(await setDeprecated(env.deps, env.alice, platform, true))).toBe("forbidden");
    expect(code(await setDeprecated(env.deps, null, platform, true))).toBe("unauthenticated");
    expect(code(await setDeprecated(env.deps, env.bob, mine, true))).toBe("not_found");
    expect((await env.db.image.findUniqueOrThrow({ where: { id: platform } })).status).toBe("ready");
    expect((await env.db.image.findUniqueOrThrow({ where: { id: mine } })).status).toBe("ready");
    // Private images deprecate since families: a user retires the old versions of their own family.
    expect(code(await setDeprecated(env.deps, env.alice, mine, true))).toBe("ok");
    expect(code(await setDeprecated(env.deps, env.admin, mine, false))).toBe("ok");
    expect(code(await setDeprecated(env.deps, env.admin, platform, true))).toBe("ok");
    expect((await env.db.image.findUniqueOrThrow({ where: { id: platform } })).status).toBe("deprecated");
  });

  it("refusals blame what is wrong: the image's kind for an admin, the rights for a user", async () => {
    const platform = await env.addImage({ owner: env.admin, name: "plat-messages", visibility: "platform" });
    const mine = await env.addImage({ owner: env.alice, name: "mine-messages", visibility: "private" });
    const message = (result: { ok: boolean; error?: { message: string } }) => (result.ok ? "ok" : result.error?.message);
    expect(message(await setDeprecated(env.deps, env.alice, platform, true))).toBe("Platform images are managed by administrators.");
    expect(message(await publishImage(env.deps, env.admin, platform, "again"))).toBe(
      "This image is already in the platform catalog; only private images can be published.",
    );
    expect(message(await publishImage(env.deps, env.alice, mine, "mine"))).toBe("Only administrators can publish an image to the platform catalog.");
  });

  it("register a platform image from the import directory: admins only, plain file names only", async () => {
    fs.mkdirSync(env.deps.importDir, { recursive: true });
    fs.writeFileSync(path.join(env.deps.importDir, "disk.raw"), new Uint8Array(8192));
    const input = { fileName: "disk.raw", name: "Imported" };
    expect(code(await registerPlatformImage(env.deps, env.alice, input))).toBe("forbidden");
    expect(code(await registerPlatformImage(env.deps, null, input))).toBe("unauthenticated");
    expect(code(await listImportableFiles(env.deps, env.alice))).toBe("forbidden");
    expect(code(await registerPlatformImage(env.deps, env.admin, { fileName: "../hangar.db", name: "x" }))).toBe("invalid");
    expect(code(await registerPlatformImage(env.deps, env.admin, { fileName: "missing.raw", name: "x" }))).toBe("not_found");
    expect(fs.existsSync(path.join(env.deps.importDir, "disk.raw"))).toBe(true);
    const registered = await registerPlatformImage(env.deps, env.admin, input);
    expect(registered.ok).toBe(true);
    if (!registered.ok) return;
    expect(registered.value.visibility).toBe("platform");
    expect(registered.value.fileSize).toBe(8192);
    expect(registered.value.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.existsSync(path.join(env.deps.importDir, "disk.raw"))).toBe(false);
  });

  it("user list and every user's private images: admins only", async () => {
    const query = listQuerySchema.parse({});
    expect(code(await listAccounts(env.db, env.alice))).toBe("forbidden");
    expect(code(await listPrivateImagesForAdmin(env.deps, env.alice, query))).toBe("forbidden");
    const users = await listAccounts(env.db, env.admin);
    expect(users.ok && users.value.items.map((user) => user.role)).toEqual(["admin", "user", "user"]);
  });
});
