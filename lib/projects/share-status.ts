// A share's state toward its recipient, Glance's image-member model (docs/decisions.md, "Glance members"). Every
// state lets the recipient reach the image by its id, as Glance's members can; only an accepted share puts the
// image in the recipient's lists. Who moves a share between states is the policy's ("answer_shares").

export const SHARE_STATUSES = ["pending", "accepted", "rejected"] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

/** What each state means to the recipient, and how the share dialog words it. */
export const SHARE_STATUS_RULES: Record<ShareStatus, { listed: boolean; label: string }> = {
  pending: { listed: false, label: "waiting for the project to accept it" },
  accepted: { listed: true, label: "accepted" },
  rejected: { listed: false, label: "declined by the project" },
};

/** The states whose images the recipient's lists show by default. */
export const LISTED_SHARE_STATUSES: readonly ShareStatus[] = SHARE_STATUSES.filter((status) => SHARE_STATUS_RULES[status].listed);

/**
 * Where a share starts, by the door that made it: Hangar's owners share for the recipient (as before members had a
 * say), Glance's members start pending until the member project accepts, as in Glance.
 */
export const INITIAL_SHARE_STATUS = { hangar: "accepted", glance: "pending" } as const satisfies Record<string, ShareStatus>;

/** A stored state as one of the known ones; anything else lists nothing, as a pending share. */
export const parseShareStatus = (value: string): ShareStatus => ((SHARE_STATUSES as readonly string[]).includes(value) ? (value as ShareStatus) : "pending");
