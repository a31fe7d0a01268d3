import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCatalogTestEnv, type CatalogTestEnv } from "../testing/catalog-env";
import { imageProgress } from "./progress";

let env: CatalogTestEnv;
beforeAll(async () => {
  env = await makeCatalogTestEnv();
});
afterAll(async () => {
  await env.close();
});

const report = (statuses: string[]) => JSON.stringify({ checks: statuses.map((status, index) => ({ id: `check.${index}`, status })) });

describe("imageProgress", () => {
  it("says where each image stands: bytes received while uploading, validation progress, failed checks once rejected", async () => {
    const uploading = await env.addImage({ owner: env.alice, name: "uploading", visibility: "private", status: "uploading", bytes: new Uint8Array(1000) });
    await env.db.upload.create({ data: { id: "u1", userId: env.alice.id, imageId: uploading, fileName: "u.raw", length: 1000n, offset: 437n } });
    const validating = await env.addImage({ owner: env.alice, name: "validating", visibility: "private", status: "validating" });
    await env.db.image.update({ where: { id: validating }, data: { validationProgress: 40 } });
    const rejected = await env.addImage({ owner: env.alice, name: "rejected", visibility: "private", status: "rejected" });
    await env.db.image.update({ where: { id: rejected }, data: { report: report(["pass", "fail", "warn", "fail"]), validationProgress: 100 } });

    const result = await imageProgress(env.deps, env.alice, [uploading, validating, rejected, "no-such-image"]);
    expect(result.ok && [...result.value].sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      [
        { id: uploading, status: "uploading", uploadProgress: 43, validationProgress: 0, failures: 0 },
        { id: validating, status: "validating", uploadProgress: null, validationProgress: 40, failures: 0 },
        { id: rejected, status: "rejected", uploadProgress: null, validationProgress: 100, failures: 2 },
      ].sort((a, b) => a.id.localeCompare(b.id)),
    );
  });

  it("leaves out what the actor may not see: another user's private image, a platform image users do not see yet", async () => {
    const bobs = await env.addImage({ owner: env.bob, name: "bobs", visibility: "private", status: "validating" });
    const incoming = await env.addImage({ owner: env.admin, name: "incoming", visibility: "platform", status: "validating" });
    const published = await env.addImage({ owner: env.admin, name: "published", visibility: "platform", status: "ready" });
    const seen = async (actor: typeof env.alice) => {
      const result = await imageProgress(env.deps, actor, [bobs, incoming, published]);
      return result.ok ? result.value.map((item) => item.id).sort() : result.error.code;
    };
    expect(await seen(env.alice)).toEqual([published]);
    expect(await seen(env.bob)).toEqual([bobs, published].sort());
    expect(await seen(env.admin)).toEqual([bobs, incoming, published].sort());
  });

  it("refuses an anonymous caller", async () => {
    expect(await imageProgress(env.deps, null, [])).toEqual({ ok: false, error: { code: "unauthenticated", message: "Sign in first." } });
  });
});
