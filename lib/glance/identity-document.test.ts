import { describe, expect, it } from "vitest";
import { identityVersion, identityVersions, keystoneError, keystoneRoles, serviceCatalog, tokenDocument } from "./identity-document";

const ROOT = "http://glance.test:9292";

describe("Identity v3's documents", () => {
  it("lists v3 at /identity and describes it at /identity/v3, linking the versioned path", () => {
    const listed = identityVersions(ROOT).versions.values;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: "v3.14", status: "stable", links: [{ rel: "self", href: `${ROOT}/identity/v3/` }] });
    expect(identityVersion(ROOT).version).toEqual(listed[0]);
  });

  it("puts the image service at the unversioned root on every interface, with the region, and Identity beside it", () => {
    const [image, identity] = serviceCatalog(ROOT);
    expect(image).toMatchObject({ type: "image", name: "glance" });
    expect(image.endpoints.map((endpoint) => endpoint.interface)).toEqual(["public", "internal", "admin"]);
    for (const endpoint of image.endpoints) expect(endpoint).toMatchObject({ url: ROOT, region_id: "RegionOne", region: "RegionOne" });
    expect(identity).toMatchObject({ type: "identity" });
    expect(identity.endpoints[0]?.url).toBe(`${ROOT}/identity`);
  });

  it("maps project roles onto Keystone's reader, member and admin", () => {
    const names = (roles: { name: string }[]) => roles.map((role) => role.name);
    expect(names(keystoneRoles("viewer", false))).toEqual(["reader"]);
    expect(names(keystoneRoles("member", false))).toEqual(["member", "reader"]);
    expect(names(keystoneRoles("owner", false))).toEqual(["owner", "member", "reader"]);
    expect(names(keystoneRoles(null, true))).toEqual(["admin"]);
    expect(names(keystoneRoles("member", true))).toEqual(["admin", "member", "reader"]);
  });

  it("writes the token document keystoneauth and gophercloud parse, with Keystone's timestamps, and leaves out the catalog on request", () => {
    const facts = {
      id: "tok1",
      methods: ["application_credential" as const],
      user: { id: "u1", email: "alice@test" },
      project: { id: "p1", name: "team-a" },
      roles: keystoneRoles("member", false),
      issuedAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)),
      expiresAt: new Date(Date.UTC(2026, 0, 2, 4, 4, 5, 678)),
      applicationCredential: { id: "api1", name: "pipeline" },
    };
    const { token } = tokenDocument(facts, ROOT);
    expect(token).toMatchObject({
      methods: ["application_credential"],
      audit_ids: ["tok1"],
      issued_at: "2026-01-02T03:04:05.678000Z",
      expires_at: "2026-01-02T04:04:05.678000Z",
      user: { id: "u1", name: "alice@test", domain: { id: "default", name: "Default" } },
      project: { id: "p1", name: "team-a", domain: { id: "default", name: "Default" } },
      roles: [
        { id: "member", name: "member" },
        { id: "reader", name: "reader" },
      ],
      application_credential: { id: "api1", name: "pipeline", restricted: true },
    });
    expect(token.catalog).toEqual(serviceCatalog(ROOT));
    const plain = { ...facts, applicationCredential: undefined };
    expect(tokenDocument(plain, ROOT, { catalog: false }).token).not.toHaveProperty("catalog");
    expect(tokenDocument(plain, ROOT).token).not.toHaveProperty("application_credential");
  });

  it("answers errors in Keystone's shape", () => {
    expect(keystoneError(401, "No.")).toEqual({ error: { code: 401, title: "Unauthorized", message: "No." } });
    expect(keystoneError(404, "Gone.").error.title).toBe("Not Found");
  });
});
