import { ok, type Result } from "../result";
import { IDENTITY_PREFIX, identityVersion, identityVersions, keystoneError } from "./identity-document";
import { issueIdentityToken, revokeIdentityToken, validateIdentityToken } from "./identity";
import { listIdentityProjects, showIdentityProject } from "./identity-projects";
import type { GlanceAnswer, GlanceRequest, GlanceRoute } from "./route";

/**
 * Identity v3 on the Glance listener: under /identity (the auth_url to give), and its v3 also at /v3, where a
 * clouds.yaml or gophercloud that names `…/v3` looks (nothing of Glance lives there). Errors in Keystone's shape.
 */
const at = (tail: string) => new RegExp(`^(?:${IDENTITY_PREFIX})?/v3${tail}$`);
const TOKENS = at("/auth/tokens");
const PROJECTS = at("/projects");
const PROJECT = at("/projects/([^/]+)");

const answer = (status: number, json: unknown, headers?: Record<string, string>): Result<GlanceAnswer> => ok({ status, json, ...(headers ? { headers } : {}) });
const header = ({ req }: GlanceRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};
/** `?nocatalog`, which keystoneauth sends when it does not want the catalog. */
const catalogWanted = ({ query }: GlanceRequest) => !query.has("nocatalog");

export const IDENTITY_ROUTES: GlanceRoute[] = [
  {
    method: "GET",
    path: new RegExp(`^${IDENTITY_PREFIX}/?$`),
    auth: false,
    errors: keystoneError,
    handle: ({ root }) => Promise.resolve(answer(300, identityVersions(root))),
  },
  { method: "GET", path: at("/?"), auth: false, errors: keystoneError, handle: ({ root }) => Promise.resolve(answer(200, identityVersion(root))) },
  {
    method: "POST",
    path: TOKENS,
    auth: false,
    body: { json: "application/json" },
    errors: keystoneError,
    handle: async (request) => {
      const issued = await issueIdentityToken(request.deps.db, request.body, {
        clientAddress: request.clientAddress,
        root: request.root,
        catalog: catalogWanted(request),
      });
      return issued.ok ? answer(201, issued.value.document, { "x-subject-token": issued.value.secret }) : issued;
    },
  },
  {
    method: "GET",
    path: TOKENS,
    auth: true,
    errors: keystoneError,
    handle: async (request) => {
      const subject = header(request, "x-subject-token");
      const validated = await validateIdentityToken(request.deps.db, request.actor, subject, { root: request.root, catalog: catalogWanted(request) });
      return validated.ok ? answer(200, validated.value, { "x-subject-token": subject ?? "" }) : validated;
    },
  },
  {
    method: "DELETE",
    path: TOKENS,
    auth: true,
    errors: keystoneError,
    handle: async (request) => {
      const revoked = await revokeIdentityToken(request.deps.db, request.actor, header(request, "x-subject-token"));
      return revoked.ok ? ok({ status: 204, empty: true }) : revoked;
    },
  },
  {
    method: "GET",
    path: PROJECTS,
    auth: true,
    errors: keystoneError,
    handle: async ({ deps, actor, query, root }) => {
      const listed = await listIdentityProjects(deps, actor, query, root);
      return listed.ok ? answer(200, listed.value) : listed;
    },
  },
  {
    method: "GET",
    path: PROJECT,
    auth: true,
    errors: keystoneError,
    handle: async ({ deps, actor, params, root }) => {
      const shown = await showIdentityProject(deps, actor, params[0] ?? "", root);
      return shown.ok ? answer(200, shown.value) : shown;
    },
  },
];
