// The words of authorization: what can be done to an image or a project, and the roles and kinds of
// projects. Who may do what is lib/catalog/policy.ts.

export const PROJECT_ROLES = ["viewer", "member", "owner"] as const;
export type ProjectRole = (typeof PROJECT_ROLES)[number];

/** A role in a sentence, with its article: "a viewer", "a member", "an owner". */
export const aRole = (role: ProjectRole): string => `${role === "owner" ? "an" : "a"} ${role}`;

export const PROJECT_KINDS = ["personal", "team"] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];

export const IMAGE_ACTIONS = ["view", "download", "rename", "edit", "delete", "share", "unshare", "view_shares", "publish", "deprecate"] as const;
export type ImageAction = (typeof IMAGE_ACTIONS)[number];

/** answer_shares: accept or decline the images shared with the project (Glance's member status, lib/projects/share-status.ts). */
export const PROJECT_ACTIONS = ["view", "upload", "manage_members", "rename", "set_quota", "delete", "view_audit", "answer_shares"] as const;
export type ProjectAction = (typeof PROJECT_ACTIONS)[number];
