import { type Actor, isAdmin, type TokenScope } from "../auth/actor";
import { IMAGE_ACTIONS, type ImageAction, PROJECT_ACTIONS, type ProjectAction, type ProjectKind, type ProjectRole } from "./actions";
import { type ImageStatus, SETTLED_STATUSES, type Visibility } from "./image";

/**
 * Platform images every user sees; the rest (uploading, validating, rejected) only admins see. Obsolete and
 * deleted ones stay readable so that whoever pinned them learns the replacement.
 */
export const PUBLIC_PLATFORM_STATUSES: ImageStatus[] = ["ready", "deprecated", "obsolete", "deleted"];

/** An image as the policy sees it: its kind and state, and how the actor stands toward it (lib/catalog/standing.ts). */
export interface ImageSubject {
  visibility: Visibility;
  status: ImageStatus;
  /** The project of a private image; null for a platform image. */
  projectId: string | null;
  /** The actor's role in that project, if a member. */
  role: ProjectRole | null;
  /** Which of the actor's recipients the image is shared with: the actor as a user, and the actor's projects. */
  sharedWith: { user: boolean; projects: string[] };
}

export interface ProjectSubject {
  id: string;
  kind: ProjectKind;
  /** The actor's role in it, if a member. */
  role: ProjectRole | null;
}

/**
 * "hidden": the actor must not learn the image exists. "not_yet": the actor
 * may, but the image is not in a state that allows it (a 409, not a 403).
 * "gone": the image is obsolete or deleted, refused for new use (a 410 naming the replacement).
 * "not_applicable": the action does not apply to this kind of image or
 * project, whoever asks (publishing a platform image, sharing one, adding
 * members to a personal project): also a 409.
 */
export type Decision = "allow" | "forbidden" | "hidden" | "not_yet" | "not_applicable" | "gone";

/**
 * Why a forbidden action is: the platform catalog is the administrators' ("managed"), the actor's role
 * in the project is too low ("role"), the image is only shared with the actor ("shared"), the API
 * token's scope does not cover it ("scope"), or only administrators may ("admins").
 */
export type Refusal = "managed" | "role" | "shared" | "scope" | "admins";

export interface Judgement {
  decision: Decision;
  refusal?: Refusal;
}

// The tables of who may do what. Everything not listed is refused.

/** What each role may do to its project's images: viewers see and download, members also change, owners also share. */
const ROLE_IMAGE_ACTIONS: Record<ProjectRole, readonly ImageAction[]> = {
  viewer: ["view", "download", "view_shares"],
  member: ["view", "download", "view_shares", "rename", "edit", "delete", "deprecate"],
  owner: ["view", "download", "view_shares", "rename", "edit", "delete", "deprecate", "share", "unshare"],
};

/** What a share gives its recipients: read (see, download, use as an instance source). */
const SHARED_IMAGE_ACTIONS: readonly ImageAction[] = ["view", "download"];

/**
 * What each role may do to the project itself; personal projects have no members to manage and keep their name.
 * Those who change the project's images also answer the shares offered to it: what its lists show is theirs to decide.
 */
const ROLE_PROJECT_ACTIONS: Record<ProjectRole, readonly ProjectAction[]> = {
  viewer: ["view"],
  member: ["view", "upload", "answer_shares"],
  owner: ["view", "upload", "manage_members", "rename", "view_audit", "answer_shares"],
};

/** Only administrators set quotas and delete team projects. */
const ADMIN_ONLY_PROJECT_ACTIONS: readonly ProjectAction[] = ["set_quota", "delete"];

/** Project actions that do not apply to a personal project. */
const TEAM_ONLY_PROJECT_ACTIONS: readonly ProjectAction[] = ["manage_members", "rename", "delete"];

/** Image actions that need the image settled (validated and accepted); deleted is final, its bytes are gone. */
const SETTLED_ONLY_IMAGE_ACTIONS: readonly ImageAction[] = ["deprecate"];

type ScopedAction = ImageAction | ProjectAction | "create_project" | "add_platform_image" | "view_all_audit" | "view_accounts" | "manage_accounts";

/** What an API token's scope lets through, whatever its user may do. */
const SCOPE_ACTIONS: Record<TokenScope, readonly ScopedAction[] | "all"> = {
  read: ["view", "download", "view_shares", "view_audit", "view_all_audit", "view_accounts"],
  upload: ["view", "download", "view_shares", "upload", "add_platform_image", "view_audit", "view_all_audit", "view_accounts"],
  full: "all",
};

const allow: Judgement = { decision: "allow" };
const hidden: Judgement = { decision: "hidden" };
const refuse = (refusal: Refusal): Judgement => ({ decision: "forbidden", refusal });

/** Whether the actor's credentials reach a project (null: the platform catalog): a token limited to one project reaches only it. */
function reaches(actor: Actor, projectId: string | null): boolean {
  const limit = actor.limits?.projectId;
  return !limit || limit === projectId;
}

/** Administrators may do everything, within what their credentials reach. */
const adminOver = (actor: Actor, projectId: string | null) => isAdmin(actor) && reaches(actor, projectId);

/** An administrators' action refused: to a user because of who they are, to an administrator because of the token's limits. */
const adminsOnly = (actor: Actor): Judgement => refuse(isAdmin(actor) ? "scope" : "admins");

function scopeAllows(actor: Actor, action: ScopedAction): boolean {
  const allowed = actor.limits ? SCOPE_ACTIONS[actor.limits.scope] : "all";
  return allowed === "all" || allowed.includes(action);
}

/** The scope check last: a token never does more than its user may, and only what its scope covers. */
const withinScope = (actor: Actor, action: ScopedAction, judgement: Judgement): Judgement =>
  judgement.decision === "allow" && !scopeAllows(actor, action) ? refuse("scope") : judgement;

/** The actor's role in a project as the credentials reach it. */
const effectiveRole = (actor: Actor, projectId: string | null, role: ProjectRole | null) => (reaches(actor, projectId) ? role : null);

function sharedWithActor(actor: Actor, image: ImageSubject): boolean {
  // A share to the user is the user's, not a project's: a token limited to a project does not carry it.
  return image.sharedWith.projects.some((project) => reaches(actor, project)) || (image.sharedWith.user && !actor.limits?.projectId);
}

function judgePlatformImage(actor: Actor, action: ImageAction, image: ImageSubject): Judgement {
  const admin = adminOver(actor, null);
  if (!admin && !PUBLIC_PLATFORM_STATUSES.includes(image.status)) return hidden;
  switch (action) {
    case "view":
    case "download":
      return allow;
    case "share":
    case "unshare":
    case "view_shares":
      // Everyone sees platform images already.
      return { decision: "not_applicable" };
    case "publish":
      return isAdmin(actor) ? { decision: "not_applicable" } : refuse("admins");
    case "rename":
    case "edit":
    case "delete":
    case "deprecate":
      return admin ? allow : isAdmin(actor) ? refuse("scope") : refuse("managed");
  }
}

function judgePrivateImage(actor: Actor, action: ImageAction, image: ImageSubject): Judgement {
  const admin = adminOver(actor, image.projectId);
  const role = effectiveRole(actor, image.projectId, image.role);
  const shared = sharedWithActor(actor, image);
  if (!admin && !role && !shared) return hidden;
  // A copy into the platform catalog: the credentials must reach both.
  if (action === "publish") return adminOver(actor, null) && admin ? allow : adminsOnly(actor);
  if (admin || (role && ROLE_IMAGE_ACTIONS[role].includes(action)) || (shared && SHARED_IMAGE_ACTIONS.includes(action))) return allow;
  return refuse(role ? "role" : "shared");
}

/** Who may do what to an image, in one place, with the reason of a refusal. */
export function judge(actor: Actor, action: ImageAction, image: ImageSubject): Judgement {
  const judgement = withinScope(actor, action, (image.visibility === "platform" ? judgePlatformImage : judgePrivateImage)(actor, action, image));
  if (judgement.decision !== "allow") return judgement;
  if (action === "download") {
    // An upload's bytes are incomplete until it finishes; from validating on, the image has them all.
    if (image.status === "obsolete" || image.status === "deleted") return { decision: "gone" };
    if (image.status === "uploading") return { decision: "not_yet" };
  }
  if (SETTLED_ONLY_IMAGE_ACTIONS.includes(action) && (image.status === "deleted" || !(SETTLED_STATUSES as readonly ImageStatus[]).includes(image.status)))
    return { decision: "not_yet" };
  return judgement;
}

export function decide(actor: Actor, action: ImageAction, image: ImageSubject): Decision {
  return judge(actor, action, image).decision;
}

/** The actions the actor may take on an image, for menus and the API's `actions`; the server still checks each one. */
export function allowedActions(actor: Actor, image: ImageSubject): ImageAction[] {
  return IMAGE_ACTIONS.filter((action) => decide(actor, action, image) === "allow");
}

/** Who may do what to a project: members by role, administrators everything (quotas and deletion only they). */
export function judgeProject(actor: Actor, action: ProjectAction, project: ProjectSubject): Judgement {
  const admin = adminOver(actor, project.id);
  const role = effectiveRole(actor, project.id, project.role);
  if (!admin && !role) return hidden;
  if (project.kind === "personal" && TEAM_ONLY_PROJECT_ACTIONS.includes(action)) return { decision: "not_applicable" };
  if (admin) return withinScope(actor, action, allow);
  if (ADMIN_ONLY_PROJECT_ACTIONS.includes(action)) return adminsOnly(actor);
  return withinScope(actor, action, role && ROLE_PROJECT_ACTIONS[role].includes(action) ? allow : refuse("role"));
}

export function allowedProjectActions(actor: Actor, project: ProjectSubject): ProjectAction[] {
  return PROJECT_ACTIONS.filter((action) => judgeProject(actor, action, project).decision === "allow");
}

/** Team projects are created by administrators and project creators (lib/sso's groups); never by a token limited to a project. */
export function judgeProjectCreation(actor: Actor): Judgement {
  if (!isAdmin(actor) && !actor.projectCreator) return refuse("admins");
  if (!reaches(actor, null)) return refuse("scope");
  return withinScope(actor, "create_project", allow);
}

/** The whole audit trail is the administrators' (a project's is its owners' too: "view_audit"); not through a token limited to a project. */
export function judgeAuditReading(actor: Actor): Judgement {
  return withinScope(actor, "view_all_audit", adminOver(actor, null) && !actor.limits?.projectId ? allow : adminsOnly(actor));
}

/** A new project's quota is the administrators' to give, as an existing one's is ("set_quota"). */
export function judgeQuotaGiving(actor: Actor): Judgement {
  return withinScope(actor, "set_quota", adminOver(actor, null) ? allow : adminsOnly(actor));
}

/** Every project, not only the actor's own, is the administrators' to list; not through a token limited to a project. */
export function judgeAllProjectsListing(actor: Actor): Judgement {
  return withinScope(actor, "view", adminOver(actor, null) ? allow : adminsOnly(actor));
}

/**
 * Accounts are the administrators' to see ("view_accounts") and manage ("manage_accounts"), within their credentials:
 * a read-only or upload-only token reads them, and a token limited to one project reaches none (accounts are no project's).
 */
export function judgeAccounts(actor: Actor, action: "view_accounts" | "manage_accounts"): Judgement {
  return withinScope(actor, action, adminOver(actor, null) ? allow : adminsOnly(actor));
}

/** Platform images are added (uploaded, registered) by administrators only. */
export function judgePlatformAddition(actor: Actor): Judgement {
  return withinScope(actor, "add_platform_image", adminOver(actor, null) ? allow : adminsOnly(actor));
}
