import type { ProjectRole } from "../catalog/actions";

/**
 * What Hangar's minimal Identity v3 answers (docs/decisions.md, "Identity v3"): the version documents, the token
 * document with its catalog, and Keystone's error shape. Pure, so that the shapes the clients parse are unit-tested.
 */

/** Keystone's API version this subset follows (the password, token and application_credential methods are all older). */
export const IDENTITY_VERSION = "v3.14";
/** Hangar has no domains: one, as a fresh Keystone has, which every user and project belongs to. */
export const DEFAULT_DOMAIN = { id: "default", name: "Default" } as const;
/** Keystone's default region: what clouds.yaml files name when they name one. */
export const REGION = "RegionOne";
/** Where Identity lives on the Glance listener: `auth_url: http://host:9292/identity` (also at /v3, see identityPath). */
export const IDENTITY_PREFIX = "/identity";
const INTERFACES = ["public", "internal", "admin"] as const;
const MEDIA_TYPES = [{ base: "application/json", type: "application/vnd.openstack.identity-v3+json" }];

function versionEntry(root: string) {
  return {
    id: IDENTITY_VERSION,
    status: "stable",
    updated: "2020-04-07T00:00:00Z",
    links: [{ rel: "self", href: `${root}${IDENTITY_PREFIX}/v3/` }],
    "media-types": MEDIA_TYPES,
  };
}

/** `GET /identity`: the versions Keystone lists at its root (answered with 300, as Keystone does). */
export function identityVersions(root: string) {
  return { versions: { values: [versionEntry(root)] } };
}

/** `GET /identity/v3`: the one version. */
export function identityVersion(root: string) {
  return { version: versionEntry(root) };
}

/** The Keystone roles a Hangar project role stands for (Keystone's default reader, member and admin, plus owner). */
const KEYSTONE_ROLES: Record<ProjectRole, string[]> = {
  viewer: ["reader"],
  member: ["member", "reader"],
  owner: ["owner", "member", "reader"],
};

/** The roles a token shows: the project role's, and admin for an administrator (who may have none in the project). */
export function keystoneRoles(projectRole: ProjectRole | null, admin: boolean): { id: string; name: string }[] {
  const names = [...(admin ? ["admin"] : []), ...(projectRole ? KEYSTONE_ROLES[projectRole] : [])];
  return [...new Set(names)].map((name) => ({ id: name, name }));
}

/** How a token was got, which Keystone lists in the token; kept in the issued token's name (lib/glance/identity.ts). */
export const IDENTITY_METHODS = ["password", "token", "application_credential"] as const;
export type IdentityMethod = (typeof IDENTITY_METHODS)[number];

/**
 * The catalog: the Image service at the listener's unversioned root (gophercloud appends `v2/`, openstackclient
 * discovers), and Identity at /identity (openstackclient's `token revoke` finds it there), on every interface.
 */
export function serviceCatalog(root: string) {
  const service = (type: string, name: string, url: string) => ({
    id: type,
    type,
    name,
    endpoints: INTERFACES.map((iface) => ({ id: `${type}-${iface}`, interface: iface, region_id: REGION, region: REGION, url })),
  });
  return [service("image", "glance", root), service("identity", "keystone", `${root}${IDENTITY_PREFIX}`)];
}

export interface TokenFacts {
  /** The issued token's row id (its audit id: Keystone's audit_ids name a token without being it). */
  id: string;
  methods: IdentityMethod[];
  user: { id: string; email: string };
  project: { id: string; name: string };
  roles: { id: string; name: string }[];
  issuedAt: Date;
  expiresAt: Date;
  /** The API token an application_credential sign-in used: Keystone names the credential in the token. */
  applicationCredential?: { id: string; name: string };
}

/** Keystone's timestamps: microseconds and a Z. */
const keystoneTime = (date: Date) => date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");

/** The body of `POST /v3/auth/tokens` (201) and `GET /v3/auth/tokens` (200); without a catalog for `?nocatalog`. */
export function tokenDocument(facts: TokenFacts, root: string, { catalog = true }: { catalog?: boolean } = {}) {
  return {
    token: {
      methods: facts.methods,
      audit_ids: [facts.id],
      issued_at: keystoneTime(facts.issuedAt),
      expires_at: keystoneTime(facts.expiresAt),
      // The user's name is what they sign in with: their email.
      user: { id: facts.user.id, name: facts.user.email, domain: DEFAULT_DOMAIN, password_expires_at: null },
      project: { id: facts.project.id, name: facts.project.name, domain: DEFAULT_DOMAIN },
      is_domain: false,
      roles: facts.roles,
      ...(facts.applicationCredential ? { application_credential: { ...facts.applicationCredential, restricted: true } } : {}),
      ...(catalog ? { catalog: serviceCatalog(root) } : {}),
    },
  };
}

/** Keystone's project document, for a Hangar project (team or personal), in the one domain. */
export function identityProjectDocument(project: { id: string; name: string }, root: string) {
  return {
    id: project.id,
    name: project.name,
    domain_id: DEFAULT_DOMAIN.id,
    parent_id: DEFAULT_DOMAIN.id,
    description: "",
    enabled: true,
    is_domain: false,
    tags: [],
    options: {},
    links: { self: `${root}${IDENTITY_PREFIX}/v3/projects/${encodeURIComponent(project.id)}` },
  };
}

/** Keystone's list of projects (one page: Hangar does not page it). */
export function identityProjectsDocument(projects: { id: string; name: string }[], root: string) {
  return {
    projects: projects.map((project) => identityProjectDocument(project, root)),
    links: { self: `${root}${IDENTITY_PREFIX}/v3/projects`, previous: null, next: null },
  };
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  413: "Request Entity Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** Keystone's error body, which keystoneauth reads the message of. */
export function keystoneError(status: number, message: string) {
  return { error: { code: status, title: TITLES[status] ?? "Error", message } };
}
