import { describe, expect, it } from "vitest";
import type { GlanceDeps } from "./deps";
import { IMPORT_METHOD_NAMES, IMPORT_METHODS_HEADER, importImage, importInfo } from "./import";

// The import call's body is read before anything is looked up: these answers need no database.
const NOTHING = {} as GlanceDeps;
const call = (body: unknown) => importImage(NOTHING, null, "an-image", body);

describe("Glance's import call, as read", () => {
  it("names its method in method.name; a body without one is refused with the shape to send", async () => {
    for (const body of [null, [], "web-download", {}, { method: "web-download" }, { method: { uri: "https://x" } }, { method: { name: 3 } }])
      expect(await call(body)).toMatchObject({ ok: false, error: { code: "invalid" } });
    expect(await call({})).toMatchObject({ error: { message: expect.stringContaining('{"method": {"name": "web-download"') as unknown } });
  });

  it("refuses a method Hangar does not offer, naming those it does, whatever the name (no prototype's key is a method)", async () => {
    for (const name of ["copy-image", "glance-download", "constructor", "__proto__", "toString", ""])
      expect(await call({ method: { name } })).toEqual({
        ok: false,
        error: expect.objectContaining({
          code: "invalid",
          message: `Import method '${name}' is not offered here: Hangar offers glance-direct, web-download.`,
        }) as unknown,
      });
  });

  it("offers the same methods in /v2/info/import and in the create's header", () => {
    expect(IMPORT_METHOD_NAMES).toEqual(["glance-direct", "web-download"]);
    expect(importInfo()["import-methods"].value).toEqual(IMPORT_METHOD_NAMES);
    expect(IMPORT_METHODS_HEADER["openstack-image-import-methods"].split(",")).toEqual(IMPORT_METHOD_NAMES);
  });
});
