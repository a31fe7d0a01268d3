// Its own module: the API's schemas (loaded by client components) need the names without the queries' database code.
/**
 * The platform catalog; the private images of the actor's projects and those shared with the actor
 * ("mine"); only the shared ones ("shared"); or everything the actor sees ("all", the API's default).
 */
export const LIST_SCOPES = ["all", "platform", "mine", "shared"] as const;
export type ListScope = (typeof LIST_SCOPES)[number];
