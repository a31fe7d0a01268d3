// What the audit trail records: one row per kind of change, with the type of object it is about and
// what the portal calls it. Every recordAudit call names one of these ids.

export const AUDIT_OBJECT_TYPES = ["user", "project", "membership", "share", "token", "image"] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

export interface AuditActionSpec {
  id: string;
  objectType: AuditObjectType;
  label: string;
}

export const AUDIT_ACTIONS = [
  { id: "auth.sign_in", objectType: "user", label: "Signed in" },
  { id: "auth.sign_in_failed", objectType: "user", label: "Failed sign-in" },
  { id: "auth.sign_out", objectType: "user", label: "Signed out" },
  { id: "user.create", objectType: "user", label: "Created an account" },
  { id: "user.update", objectType: "user", label: "Changed an account" },
  { id: "user.delete", objectType: "user", label: "Deleted an account" },
  { id: "user.password_change", objectType: "user", label: "Changed their password" },
  { id: "user.password_reset", objectType: "user", label: "Reset a password" },
  { id: "user.password_set", objectType: "user", label: "Set a password from a link" },
  { id: "token.create", objectType: "token", label: "Created an API token" },
  { id: "token.revoke", objectType: "token", label: "Revoked an API token" },
  { id: "project.create", objectType: "project", label: "Created a project" },
  { id: "project.update", objectType: "project", label: "Changed a project" },
  { id: "project.delete", objectType: "project", label: "Deleted a project" },
  { id: "membership.add", objectType: "membership", label: "Added a project member" },
  { id: "membership.update", objectType: "membership", label: "Changed a member's role" },
  { id: "membership.remove", objectType: "membership", label: "Removed a project member" },
  { id: "share.create", objectType: "share", label: "Shared an image" },
  { id: "share.delete", objectType: "share", label: "Revoked a share" },
  { id: "share.answer", objectType: "share", label: "Accepted or declined a share" },
  { id: "image.upload", objectType: "image", label: "Started an upload" },
  { id: "image.register", objectType: "image", label: "Registered an image" },
  { id: "image.validate", objectType: "image", label: "Validated an image" },
  { id: "image.rename", objectType: "image", label: "Renamed an image" },
  { id: "image.edit", objectType: "image", label: "Edited an image's properties" },
  { id: "image.delete", objectType: "image", label: "Deleted an image" },
  { id: "image.publish", objectType: "image", label: "Published an image" },
  { id: "image.deprecate", objectType: "image", label: "Changed an image's deprecation" },
] as const satisfies readonly AuditActionSpec[];

export type AuditActionId = (typeof AUDIT_ACTIONS)[number]["id"];

export const AUDIT_ACTION_IDS = AUDIT_ACTIONS.map((action) => action.id) as [AuditActionId, ...AuditActionId[]];

const BY_ID = new Map<string, AuditActionSpec>(AUDIT_ACTIONS.map((action) => [action.id, action]));

export const auditObjectType = (id: AuditActionId): AuditObjectType => (BY_ID.get(id) as AuditActionSpec).objectType;

/** What the portal calls a stored action; an id no longer in the table (an older version's) reads as itself. */
export const auditLabel = (id: string): string => BY_ID.get(id)?.label ?? id;
