import { describe, expect, it } from "vitest";
import { ConfigError } from "../config-error";
import { accessFromGroups, type GroupMapping, parseGroupList, parseGroupProjects } from "./groups";

const oidc = (adminGroups: string[], projects = "", ignoreCase = false, creatorGroups: string[] = []): GroupMapping => ({
  adminGroups,
  creatorGroups,
  projects: parseGroupProjects(projects, "HANGAR_OIDC_GROUP_PROJECTS"),
  ignoreCase,
});

describe("group mapping configuration", () => {
  it.each([
    ["ops=Operations", [{ group: "ops", project: "Operations", role: "member" }]],
    [
      "ops=Operations:owner; qa=Operations:viewer",
      [
        { group: "ops", project: "Operations", role: "owner" },
        { group: "qa", project: "Operations", role: "viewer" },
      ],
    ],
    ["cn=ops,ou=groups,dc=example,dc=com=Ops team:viewer", [{ group: "cn=ops,ou=groups,dc=example,dc=com", project: "Ops team", role: "viewer" }]],
    [
      "a=One\n b = Two : owner \n",
      [
        { group: "a", project: "One", role: "member" },
        { group: "b", project: "Two", role: "owner" },
      ],
    ],
    ["", []],
  ])("%j parses", (text, expected) => {
    expect(parseGroupProjects(text, "V")).toEqual(expected);
  });

  it.each([
    ["ops", /"ops" is not GROUP=PROJECT/],
    ["=Operations", /is not GROUP=PROJECT/],
    ["ops=", /is not GROUP=PROJECT/],
    ["ops=Operations:admin", /the role in "ops=Operations:admin" is "admin"; use one of viewer, member, owner/],
    ["ops=alice@example.com", /the project in "ops=alice@example.com" cannot be a team project's name: .*"@"/],
  ])("%j is refused with a message naming the variable", (text, message) => {
    expect(() => parseGroupProjects(text, "HANGAR_OIDC_GROUP_PROJECTS")).toThrow(ConfigError);
    expect(() => parseGroupProjects(text, "HANGAR_OIDC_GROUP_PROJECTS")).toThrow(message);
    expect(() => parseGroupProjects(text, "HANGAR_OIDC_GROUP_PROJECTS")).toThrow(/^HANGAR_OIDC_GROUP_PROJECTS: /);
  });

  it("admin group lists: commas for names, semicolons where DNs hold commas", () => {
    expect(parseGroupList(" hangar-admins, ops ,")).toEqual(["hangar-admins", "ops"]);
    expect(parseGroupList("cn=admins,ou=groups,dc=example,dc=com; cn=root,dc=x", /[;\n]/)).toEqual(["cn=admins,ou=groups,dc=example,dc=com", "cn=root,dc=x"]);
    expect(parseGroupList(undefined)).toEqual([]);
  });
});

describe("what a user's groups give", () => {
  const mapping = oidc(["hangar-admins"], "ops=Operations:owner; dev=Operations; dev=Builds:member; qa=Builds:viewer");
  it.each<[string, string[], boolean | null, { project: string; role: string }[]]>([
    ["no groups", [], false, []],
    ["an admin group", ["hangar-admins"], true, []],
    ["a project group", ["qa"], false, [{ project: "Builds", role: "viewer" }]],
    [
      "two groups on one project: the stronger role",
      ["dev", "ops"],
      false,
      [
        { project: "Operations", role: "owner" },
        { project: "Builds", role: "member" },
      ],
    ],
    ["unmapped groups give nothing", ["marketing", "Hangar-Admins"], false, []],
  ])("%s", (_, groups, admin, memberships) => {
    const access = accessFromGroups(mapping, groups);
    expect(access.admin).toBe(admin);
    expect(access.memberships).toEqual(memberships);
  });

  it("without admin groups configured, the role is left to administrators (null)", () => {
    expect(accessFromGroups(oidc([]), ["hangar-admins"]).admin).toBeNull();
  });

  it("LDAP: a group DN matches by DN or by its first value, without case", () => {
    const ldap = oidc(["cn=Hangar Admins,ou=groups,dc=example,dc=com"], "Developers=Builds:member", true);
    const access = accessFromGroups(ldap, ["CN=hangar admins,OU=groups,DC=example,DC=com", "cn=developers,ou=groups,dc=example,dc=com"]);
    expect(access).toEqual({ admin: true, projectCreator: null, memberships: [{ project: "Builds", role: "member" }] });
    expect(accessFromGroups(ldap, ["cn=other,ou=groups,dc=example,dc=com"]).admin).toBe(false);
  });

  it("project creator groups: their members may create projects, others may not; not configured, the right is left alone (null)", () => {
    const mapping = oidc(["hangar-admins"], "", false, ["platform-builders", "release"]);
    expect(accessFromGroups(mapping, ["release"]).projectCreator).toBe(true);
    expect(accessFromGroups(mapping, ["hangar-admins", "developers"]).projectCreator).toBe(false);
    expect(accessFromGroups(oidc(["hangar-admins"]), ["platform-builders"]).projectCreator).toBeNull();
    // LDAP: as the admin groups, by DN or by name, without case.
    expect(accessFromGroups(oidc([], "", true, ["cn=Builders,ou=groups,dc=example,dc=com"]), ["CN=builders,OU=groups,DC=example,DC=com"]).projectCreator).toBe(
      true,
    );
    expect(accessFromGroups(oidc([], "", true, ["BUILDERS"]), ["cn=builders,ou=groups,dc=example,dc=com"]).projectCreator).toBe(true);
  });

  it("OIDC claim values compare exactly", () => {
    expect(accessFromGroups(oidc(["Admins"]), ["admins"]).admin).toBe(false);
  });
});
