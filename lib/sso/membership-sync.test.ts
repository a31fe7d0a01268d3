import { describe, expect, it } from "vitest";
import type { WantedMembership } from "./groups";
import { type HeldMembership, planMembershipSync } from "./membership-sync";

const sso = (project: string, role: HeldMembership["role"]): HeldMembership => ({ project, role, source: "sso" });
const manual = (project: string, role: HeldMembership["role"]): HeldMembership => ({ project, role, source: "manual" });
const wants = (project: string, role: WantedMembership["role"]): WantedMembership => ({ project, role });

describe("syncing project memberships with the groups", () => {
  it.each<[string, HeldMembership[], WantedMembership[], ReturnType<typeof planMembershipSync>]>([
    [
      "first sign-in: every mapped project is added",
      [],
      [wants("Ops", "owner"), wants("Builds", "viewer")],
      [
        { kind: "add", project: "Ops", role: "owner" },
        { kind: "add", project: "Builds", role: "viewer" },
      ],
    ],
    ["nothing changed: nothing to do", [sso("Ops", "owner")], [wants("Ops", "owner")], []],
    [
      "a role the groups changed is updated",
      [sso("Ops", "viewer")],
      [wants("Ops", "owner")],
      [{ kind: "update", project: "Ops", from: "viewer", to: "owner" }],
    ],
    [
      "a group the user left removes what it gave",
      [sso("Ops", "member"), sso("Builds", "viewer")],
      [wants("Builds", "viewer")],
      [{ kind: "remove", project: "Ops", role: "member" }],
    ],
    ["a manual membership is kept when the groups no longer give it", [manual("Ops", "member")], [], []],
    ["a manual membership is not overridden by a mapped role", [manual("Ops", "viewer")], [wants("Ops", "owner")], []],
    [
      "manual and single sign-on memberships side by side",
      [manual("Ops", "owner"), sso("Builds", "member")],
      [wants("QA", "viewer")],
      [
        { kind: "add", project: "QA", role: "viewer" },
        { kind: "remove", project: "Builds", role: "member" },
      ],
    ],
  ])("%s", (_, held, wanted, expected) => {
    expect(planMembershipSync(held, wanted)).toEqual(expected);
  });
});
