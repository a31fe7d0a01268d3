import { describe, expect, it } from "vitest";
import { menuEntries } from "@/components/catalog/image-menu";
import type { Actor } from "../auth/actor";
import { STATUSES } from "./image";
import type { ImageStatus } from "./image";
import { allowedActions, decide, type ImageSubject, judgeAccounts, judgeAllProjectsListing, judgeProjectCreation } from "./policy";

const admin: Actor = { id: "a", email: "admin@test", name: "Admin", role: "admin" };
const alice: Actor = { id: "u", email: "alice@test", name: "Alice", role: "user" };
const noShares = { user: false, projects: [] };
/** A private image of a project, in which the actor has `role` (null: not a member). */
const privateImage = (status: ImageStatus, role: ImageSubject["role"] = "owner"): ImageSubject => ({
  visibility: "private",
  status,
  projectId: "p",
  role,
  sharedWith: noShares,
});
const platformImage = (status: ImageStatus): ImageSubject => ({ visibility: "platform", status, projectId: null, role: null, sharedWith: noShares });
const labels = (actor: Actor, image: Parameters<typeof allowedActions>[1]) =>
  menuEntries(allowedActions(actor, image), image.status === "deprecated")
    .flat()
    .map((entry) => entry.label);

describe("download", () => {
  it("is offered only once the image has all its bytes (not while uploading), to owner and admin alike", () => {
    for (const status of STATUSES) {
      const mine = privateImage(status);
      // Obsolete and deleted images are refused for new use (since deprecation states), with their replacement.
      const expected = status === "uploading" ? "not_yet" : status === "obsolete" || status === "deleted" ? "gone" : "allow";
      expect([decide(alice, "download", mine), decide(admin, "download", mine)], status).toEqual([expected, expected]);
      expect(allowedActions(alice, mine).includes("download"), status).toBe(expected === "allow");
    }
    expect(decide(admin, "download", platformImage("uploading"))).toBe("not_yet");
  });

  it("the row menu of an uploading image has no Download, but keeps View, Rename and Delete", () => {
    // Since projects, the owner of the image's project also shares it.
    expect(labels(alice, privateImage("uploading"))).toEqual(["View", "Rename", "Edit properties", "Share…", "Delete"]);
    expect(labels(alice, privateImage("uploading", "member"))).toEqual(["View", "Rename", "Edit properties", "Shared with…", "Delete"]);
    expect(labels(alice, privateImage("validating"))).toContain("Download");
  });

  it("stays hidden from those who may not see the image at all", () => {
    expect(decide(alice, "download", platformImage("uploading"))).toBe("hidden");
    expect(decide(alice, "download", privateImage("uploading", null))).toBe("hidden");
  });
});

describe("accounts, listing every project, creating projects: administrators' (and project creators'), within the token's limits", () => {
  const token = (actor: Actor, scope: "read" | "upload" | "full", projectId: string | null = null): Actor => ({ ...actor, limits: { projectId, scope } });
  const creator: Actor = { ...alice, projectCreator: true };
  it.each<[string, Actor, string, string, string, string]>([
    // who                                   view accounts  manage accounts  list every project  create a project
    ["a user", alice, "forbidden", "forbidden", "forbidden", "forbidden"],
    ["a project creator", creator, "forbidden", "forbidden", "forbidden", "allow"],
    ["a project creator's upload-only token", token(creator, "upload"), "forbidden", "forbidden", "forbidden", "forbidden"],
    ["an administrator", admin, "allow", "allow", "allow", "allow"],
    ["an administrator's read-only token", token(admin, "read"), "allow", "forbidden", "allow", "forbidden"],
    ["an administrator's upload-only token", token(admin, "upload"), "allow", "forbidden", "allow", "forbidden"],
    ["an administrator's token limited to a project", token(admin, "full", "p"), "forbidden", "forbidden", "forbidden", "forbidden"],
  ])("%s", (_, actor, viewAccounts, manageAccounts, listAll, create) => {
    expect([
      judgeAccounts(actor, "view_accounts").decision,
      judgeAccounts(actor, "manage_accounts").decision,
      judgeAllProjectsListing(actor).decision,
      judgeProjectCreation(actor).decision,
    ]).toEqual([viewAccounts, manageAccounts, listAll, create]);
  });
});
