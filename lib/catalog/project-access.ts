import type { Actor } from "../auth/actor";
import { fail, ok, type Result } from "../result";
import type { ProjectAction } from "./actions";
import { refusalFor } from "./access";
import type { CatalogDeps } from "./deps";
import { judgeAllProjectsListing, judgePlatformAddition, judgeProject, judgeProjectCreation, type ProjectSubject, type Refusal } from "./policy";
import { type Viewer, viewerOf } from "./image-view";
import { type Memberships, projectSubject } from "./standing";

const notFound = () => fail("not_found", "No such project, or you are not one of its members.");

const OWNERS = "Only owners of this project and administrators can do this.";

/** What a refusal of a project action says. */
const REFUSALS: Record<ProjectAction, { forbidden: Partial<Record<Refusal, string>>; notApplicable?: string }> = {
  view: { forbidden: {} },
  upload: { forbidden: { role: "Viewers of a project can see and download its images; ask an owner of the project to make you a member to upload." } },
  manage_members: { forbidden: { role: OWNERS }, notApplicable: "A personal project has no other members: share images with people instead." },
  rename: { forbidden: { role: OWNERS }, notApplicable: "A personal project is named after its user." },
  set_quota: { forbidden: { admins: "Only administrators can set a project's quota." } },
  delete: {
    forbidden: { admins: "Only administrators can delete a project." },
    notApplicable: "A personal project goes with its user's account.",
  },
  view_audit: { forbidden: { role: "Only owners of this project and administrators can read its audit trail." } },
  answer_shares: { forbidden: { role: "Viewers of a project cannot accept or decline the images shared with it; ask a member or an owner of the project." } },
};

export type LoadedProject = ProjectSubject & { name: string; personalUserId: string | null; quotaBytes: bigint | null; memberships: Memberships };

/** The project an action is about, after asking the policy whether the actor may act on it; a project the actor may not see is not found. */
export async function loadProjectFor(
  deps: Pick<CatalogDeps, "db">,
  who: Actor | Viewer | null,
  action: ProjectAction,
  id: unknown,
): Promise<Result<LoadedProject>> {
  if (!who) return fail("unauthenticated", "Sign in first.");
  if (typeof id !== "string" || id.length === 0 || id.length > 64) return notFound();
  const { actor, memberships } = await viewerOf(deps.db, who);
  const project = await projectSubject(deps.db, memberships, id);
  if (!project) return notFound();
  const judgement = judgeProject(actor, action, project);
  if (judgement.decision !== "allow") return refusalFor(actor, judgement, { notFound, ...REFUSALS[action] });
  return ok({ ...project, memberships });
}

/** Whether the actor may create a team project, as a failure to return when not. */
export function refuseProjectCreation(actor: Actor) {
  const judgement = judgeProjectCreation(actor);
  if (judgement.decision === "allow") return null;
  return refusalFor(actor, judgement, { notFound, forbidden: { admins: "Only administrators (and members of the groups allowed to) can create projects." } });
}

/** Whether the actor may list every project (not only their own), as a failure to return when not. */
export function refuseAllProjectsListing(actor: Actor) {
  const judgement = judgeAllProjectsListing(actor);
  if (judgement.decision === "allow") return null;
  return refusalFor(actor, judgement, { notFound, forbidden: { admins: "Only administrators can list every project." } });
}

/** Whether the actor may add platform images, as a failure to return when not. */
export function refusePlatformAddition(actor: Actor) {
  const judgement = judgePlatformAddition(actor);
  if (judgement.decision === "allow") return null;
  return refusalFor(actor, judgement, { notFound, forbidden: { admins: "Only administrators can add platform images." } });
}
