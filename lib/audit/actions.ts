/** What an audit event is about. */
export const AUDIT_OBJECT_TYPES = ["session", "user", "token", "image", "project", "membership", "share"] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];

/**
 * Every action the audit trail records, with the kind of object it is about and what the portal
 * calls it. The filter on /admin/audit, the API's documentation and the README list come from here;
 * recording an action that is not in this table does not compile.
 */
export const AUDIT_ACTIONS = {
  "session.sign_in": { object: "session", label: "Signed in" },
  "session.sign_in_failed": { object: "session", label: "Failed sign-in" },
  "session.sign_out": { object: "session", label: "Signed out" },
  "session.end": { object: "session", label: "Ended a session" },
  "session.end_all": { object: "session", label: "Signed out everywhere" },

  "user.create": { object: "user", label: "Created a user" },
  "user.update": { object: "user", label: "Changed a user" },
  "user.disable": { object: "user", label: "Disabled a user" },
  "user.enable": { object: "user", label: "Enabled a user" },
  "user.password_reset": { object: "user", label: "Reset a password" },
  "user.password_set": { object: "user", label: "Set a password from a link" },
  "user.password_change": { object: "user", label: "Changed their password" },
  "user.delete": { object: "user", label: "Deleted a user" },

  "token.create": { object: "token", label: "Created an API token" },
  "token.revoke": { object: "token", label: "Revoked an API token" },

  "image.upload": { object: "image", label: "Started an upload" },
  "image.upload_finish": { object: "image", label: "Finished an upload" },
  "image.upload_expire": { object: "image", label: "An upload expired" },
  "image.register": { object: "image", label: "Registered a platform image" },
  "image.validate": { object: "image", label: "Validated an image" },
  "image.rename": { object: "image", label: "Renamed an image" },
  "image.edit": { object: "image", label: "Edited properties" },
  "image.delete": { object: "image", label: "Deleted an image" },
  "image.publish": { object: "image", label: "Published to the platform" },
  "image.deprecate": { object: "image", label: "Deprecated an image" },
  "image.undeprecate": { object: "image", label: "Restored a deprecated image" },
  "image.transfer": { object: "image", label: "Transferred an image" },

  "project.create": { object: "project", label: "Created a project" },
  "project.update": { object: "project", label: "Changed a project" },
  "project.delete": { object: "project", label: "Deleted a project" },
  "membership.add": { object: "membership", label: "Added a member" },
  "membership.update": { object: "membership", label: "Changed a member's role" },
  "membership.remove": { object: "membership", label: "Removed a member" },
  "share.create": { object: "share", label: "Shared an image" },
  "share.revoke": { object: "share", label: "Revoked a share" },
} as const satisfies Record<string, { object: AuditObjectType; label: string }>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTIONS) as AuditAction[];

export const isAuditAction = (value: string): value is AuditAction => Object.hasOwn(AUDIT_ACTIONS, value);
