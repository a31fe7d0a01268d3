import { describe, expect, it } from "vitest";
import { parseSsoConfig } from "./config";
import { groupsFromClaim, ssoProfileOf } from "./oidc";

const config = (claim?: string) => {
  const oidc = parseSsoConfig({
    HANGAR_OIDC_ISSUER: "https://id.example.com/realms/corp",
    HANGAR_OIDC_CLIENT_ID: "hangar",
    ...(claim ? { HANGAR_OIDC_GROUPS_CLAIM: claim } : {}),
  }).oidc;
  if (!oidc) throw new Error("no OIDC configuration");
  return oidc;
};

describe("what the provider's claims say about the user", () => {
  it.each<[string, unknown, string[]]>([
    ["a list (Keycloak, Authentik, Entra ID's object ids)", ["ops", "dev", 3, ""], ["ops", "dev"]],
    ["one name", "ops", ["ops"]],
    ["a space- or comma-separated string", "ops, dev qa", ["ops", "dev", "qa"]],
    ["nothing", undefined, []],
    ["something else", { ops: true }, []],
  ])("groups from %s", (_, claim, groups) => {
    expect(groupsFromClaim(claim)).toEqual(groups);
  });

  it("the profile: the subject within its issuer, the verified email, the name from the best claim there is, the configured groups claim", () => {
    expect(
      ssoProfileOf(config("roles"), {
        sub: "f81d",
        email: "ada@example.com",
        email_verified: true,
        given_name: "Ada",
        family_name: "Lovelace",
        roles: ["admins"],
        groups: ["ignored"],
      }),
    ).toEqual({
      source: "oidc",
      externalId: "https://id.example.com/realms/corp#f81d",
      email: "ada@example.com",
      emailVerified: true,
      name: "Ada Lovelace",
      groups: ["admins"],
    });
    expect(ssoProfileOf(config(), { sub: "x", preferred_username: "ada", groups: "ops" })).toMatchObject({
      email: null,
      emailVerified: false,
      name: "ada",
      groups: ["ops"],
    });
    expect(ssoProfileOf(config(), { sub: "x", name: " Ada ", email_verified: "true" })).toMatchObject({ name: "Ada", emailVerified: true });
  });
});
