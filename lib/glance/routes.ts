import { z } from "zod";
import { fail, ok, type Result } from "../result";
import { type Landing, openImageData, receiveImageData } from "./data";
import { IMPORT_METHODS_HEADER, importImage, importInfo } from "./import";
import { changeGlanceTag, createGlanceImage, deleteGlanceImage, listGlanceImages, patchGlanceImage, showGlanceImage } from "./images";
import { createGlanceMember, deleteGlanceMember, listGlanceMembers, showGlanceMember, updateGlanceMember } from "./members";
import { PATCH_MEDIA_TYPE } from "./patch";
import type { GlanceAnswer, GlanceRoute } from "./route";
import { IDENTITY_ROUTES } from "./identity-routes";
import { IMAGE_SCHEMA, IMAGES_SCHEMA, MEMBER_SCHEMA, MEMBERS_SCHEMA } from "./schemas";
import { versionsDocument } from "./versions";

const ID = "([^/]+)";
const json = (value: unknown, status = 200, headers?: Record<string, string>) => ok<GlanceAnswer>({ status, json: value, ...(headers ? { headers } : {}) });
const empty = () => ok<GlanceAnswer>({ status: 204, empty: true });
/** For the routes that answer a document without asking the domain. */
const document = (value: unknown, status = 200) => Promise.resolve(json(value, status));
const answer = async <T>(result: Promise<Result<T>>, then: (value: T) => Result<GlanceAnswer>) => {
  const done = await result;
  return done.ok ? then(done.value) : done;
};

/** Content-Length as sent: a decimal number of bytes, or absent (chunked). */
const contentLength = z.preprocess(
  (value) => (value === undefined ? null : value),
  z
    .string()
    .regex(/^\d{1,16}$/)
    .transform(Number)
    .nullable(),
);

/** A data PUT's handler: the bytes streamed into the image, then finished (.../file) or staged (.../stage). */
const receiving =
  (landing: Landing): GlanceRoute["handle"] =>
  ({ deps, actor, params, req }) => {
    const length = contentLength.safeParse(req.headers["content-length"]);
    if (!length.success) return Promise.resolve(fail("invalid", "Content-Length is a number of bytes."));
    return answer(receiveImageData(deps, actor, params[0] ?? "", req, length.data, landing), () => empty());
  };

/** Every route of the Glance API, in the order they are matched. Hangar's domain layer (lib/catalog through lib/glance) decides each request. */
export const GLANCE_ROUTES: GlanceRoute[] = [
  { method: "GET", path: /^\/$/, auth: false, handle: ({ root }) => document(versionsDocument(root), 300) },
  { method: "GET", path: /^\/versions$/, auth: false, handle: ({ root }) => document(versionsDocument(root)) },
  ...IDENTITY_ROUTES,
  { method: "GET", path: /^\/v2\/schemas\/image$/, auth: false, handle: () => document(IMAGE_SCHEMA) },
  { method: "GET", path: /^\/v2\/schemas\/images$/, auth: false, handle: () => document(IMAGES_SCHEMA) },
  { method: "GET", path: /^\/v2\/schemas\/member$/, auth: false, handle: () => document(MEMBER_SCHEMA) },
  { method: "GET", path: /^\/v2\/schemas\/members$/, auth: false, handle: () => document(MEMBERS_SCHEMA) },
  {
    method: "GET",
    path: /^\/v2\/images$/,
    auth: true,
    handle: ({ deps, actor, query }) => answer(listGlanceImages(deps, actor, query), (page) => json(page)),
  },
  {
    method: "POST",
    path: /^\/v2\/images$/,
    auth: true,
    body: { json: "application/json" },
    // Glance's clients read the import methods from this header (lib/glance/import.ts).
    handle: ({ deps, actor, body }) =>
      answer(createGlanceImage(deps, actor, body), (image) => json(image, 201, { ...IMPORT_METHODS_HEADER, location: `/v2/images/${String(image.id)}` })),
  },
  {
    method: "GET",
    path: new RegExp(`^/v2/images/${ID}$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(showGlanceImage(deps, actor, params[0] ?? ""), (image) => json(image)),
  },
  {
    method: "PATCH",
    path: new RegExp(`^/v2/images/${ID}$`),
    auth: true,
    body: { json: PATCH_MEDIA_TYPE },
    handle: ({ deps, actor, params, body }) => answer(patchGlanceImage(deps, actor, params[0] ?? "", body), (image) => json(image)),
  },
  {
    method: "DELETE",
    path: new RegExp(`^/v2/images/${ID}$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(deleteGlanceImage(deps, actor, params[0] ?? ""), () => empty()),
  },
  {
    method: "PUT",
    path: new RegExp(`^/v2/images/${ID}/file$`),
    auth: true,
    kind: "transfer",
    handle: receiving("finish"),
  },
  {
    method: "PUT",
    path: new RegExp(`^/v2/images/${ID}/stage$`),
    auth: true,
    kind: "transfer",
    handle: receiving("stage"),
  },
  { method: "GET", path: /^\/v2\/info\/import$/, auth: true, handle: () => document(importInfo()) },
  {
    method: "POST",
    path: new RegExp(`^/v2/images/${ID}/import$`),
    auth: true,
    body: { json: "application/json" },
    handle: ({ deps, actor, params, body }) => answer(importImage(deps, actor, params[0] ?? "", body), () => ok<GlanceAnswer>({ status: 202, empty: true })),
  },
  {
    method: "GET",
    path: new RegExp(`^/v2/images/${ID}/file$`),
    auth: true,
    kind: "transfer",
    handle: ({ deps, actor, params, req }) =>
      answer(openImageData(deps, actor, params[0] ?? "", req.headers.range), (data) =>
        data.status === 204
          ? empty()
          : ok<GlanceAnswer>(
              data.body ? { status: data.status, headers: data.headers, stream: data.body } : { status: data.status, headers: data.headers, empty: true },
            ),
      ),
  },
  {
    method: "PUT",
    path: new RegExp(`^/v2/images/${ID}/tags/${ID}$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(changeGlanceTag(deps, actor, params[0] ?? "", params[1] ?? "", "add"), () => empty()),
  },
  {
    method: "DELETE",
    path: new RegExp(`^/v2/images/${ID}/tags/${ID}$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(changeGlanceTag(deps, actor, params[0] ?? "", params[1] ?? "", "remove"), () => empty()),
  },
  {
    method: "GET",
    path: new RegExp(`^/v2/images/${ID}/members$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(listGlanceMembers(deps, actor, params[0] ?? ""), (members) => json(members)),
  },
  {
    method: "POST",
    path: new RegExp(`^/v2/images/${ID}/members$`),
    auth: true,
    body: { json: "application/json" },
    // 200, not 201: gophercloud checks Glance's status exactly.
    handle: ({ deps, actor, params, body }) => answer(createGlanceMember(deps, actor, params[0] ?? "", body), (member) => json(member)),
  },
  {
    method: "GET",
    path: new RegExp(`^/v2/images/${ID}/members/${ID}$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(showGlanceMember(deps, actor, params[0] ?? "", params[1] ?? ""), (member) => json(member)),
  },
  {
    method: "PUT",
    path: new RegExp(`^/v2/images/${ID}/members/${ID}$`),
    auth: true,
    body: { json: "application/json" },
    handle: ({ deps, actor, params, body }) => answer(updateGlanceMember(deps, actor, params[0] ?? "", params[1] ?? "", body), (member) => json(member)),
  },
  {
    method: "DELETE",
    path: new RegExp(`^/v2/images/${ID}/members/${ID}$`),
    auth: true,
    handle: ({ deps, actor, params }) => answer(deleteGlanceMember(deps, actor, params[0] ?? "", params[1] ?? ""), () => empty()),
  },
];

/** The route for a request, or why there is none: no such path (404), or not this method (405, with those it has). */
export function routeFor(method: string, pathname: string): { route: GlanceRoute; params: string[] } | { allowed: string[] } {
  const matching = GLANCE_ROUTES.map((route) => ({ route, match: route.path.exec(pathname) })).filter((entry) => entry.match !== null);
  const wanted = method === "HEAD" ? "GET" : method;
  const found = matching.find((entry) => entry.route.method === wanted);
  if (!found?.match) return { allowed: matching.map((entry) => entry.route.method) };
  return { route: found.route, params: found.match.slice(1).map((part) => decodeURIComponent(part)) };
}
