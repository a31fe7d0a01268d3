import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashToken } from "../auth/tokens";
import { type FixtureServer, startFixtureServer } from "../imports/testing/fixture-server";
import { startHangarServer, type HangarServer } from "../testing/hangar-server";
import { documentSchemas } from "../testing/openapi-validator";
import { openApiDocument } from "./openapi";
import { MAX_JSON_BODY } from "./route";

// The running production server, driven from its own OpenAPI document: every operation is called
// as documented, and every answer (success and error) is checked against the documented schema.

type MediaDoc = { schema: Record<string, unknown>; example?: unknown };
type ResponseDoc = {
  description: string;
  headers?: Record<string, { schema: Record<string, unknown>; required?: boolean }>;
  content?: Record<string, MediaDoc>;
};
type ParameterDoc = { name: string; in: "path" | "query" | "header"; required: boolean; schema: Record<string, unknown>; example?: string };
type OperationDoc = {
  operationId: string;
  security?: unknown[];
  "x-hangar-admin"?: boolean;
  parameters?: ParameterDoc[];
  requestBody?: { content: Record<string, MediaDoc> };
  responses: Record<string, ResponseDoc>;
};
type Document = ReturnType<typeof openApiDocument>;

const document = openApiDocument();
const operations = Object.entries(document.paths).flatMap(([route, item]) =>
  Object.entries(item as Record<string, OperationDoc>).map(([method, operation]) => ({ route, method: method.toUpperCase(), operation })),
);
const secured = (operation: OperationDoc) => !(operation.security && operation.security.length === 0);
/** Administrators' operations (accounts) are called with the admin's token; who else is refused is the security suite's matrix. */
const callerOf = (operation: OperationDoc) => (operation["x-hangar-admin"] ? admin : demo);
const successStatus = (operation: OperationDoc) => Number(Object.keys(operation.responses).find((status) => status.startsWith("2")));

let server: HangarServer;
let schemas: ReturnType<typeof documentSchemas>;
const secrets: string[] = [];
let demo: string;
let other: string;
let admin: string;

/** Serves a file for the import operations: the document's example names a public mirror this machine cannot reach. */
let mirror: FixtureServer;

beforeAll(async () => {
  const served = fs.mkdtempSync(path.join(os.tmpdir(), "hangar-api-mirror-"));
  fs.writeFileSync(path.join(served, "disk.raw"), randomBytes(1 << 20));
  mirror = await startFixtureServer(served);
  // The mirror is on loopback: allowed as an administrator allows an internal one.
  server = await startHangarServer({ HANGAR_IMPORT_ALLOW: "127.0.0.1/32" });
  schemas = documentSchemas(document);
  // The demo user may create team projects (as a group of HANGAR_*_PROJECT_CREATOR_GROUPS would allow): createProject is not the administrators' alone.
  await server.db.user.update({ where: { id: server.demo.id }, data: { projectCreator: true } });
  demo = (await server.token(server.demo, { name: "demo script" })).secret;
  other = (await server.token(server.other)).secret;
  admin = (await server.token(server.admin)).secret;
  secrets.push(demo, other, admin);
});
afterAll(async () => {
  await server.close();
  await mirror.close();
});

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

function urlFor(route: string, values: Record<string, string>, query: Record<string, string> = {}) {
  const filled = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
  const search = new URLSearchParams(query).toString();
  return `${server.url}${document.servers[0]?.url}${filled}${search ? `?${search}` : ""}`;
}

/** Bodies the tests send instead of the document's example, which names a host on the internet. */
const TEST_BODIES: Partial<Record<string, () => unknown>> = {
  createImport: () => ({ url: `${mirror.base}/disk.raw`, name: `imported-${randomBytes(4).toString("hex")}` }),
};

/** The example the document gives for an operation's request body (or the test's stand-in for it). */
function exampleBody(operation: OperationDoc): unknown {
  const stand = TEST_BODIES[operation.operationId];
  if (stand) return stand();
  const media = operation.requestBody?.content["application/json"];
  if (!media) return undefined;
  if (media.example === undefined) throw new Error(`${operation.operationId}: the request body has no example`);
  return media.example;
}

/** Checks that the response's status, content type, headers and body are what the document says. */
async function expectDocumented(operation: OperationDoc, response: Response, label: string) {
  const status = String(response.status);
  expect(Object.keys(operation.responses), `${label}: ${status} is not documented`).toContain(status);
  const doc: ResponseDoc = operation.responses[status];
  // Every documented header is sent, but one documented as sent only when known (required: false).
  for (const [name, header] of Object.entries(doc.headers ?? {}))
    if (header.required !== false) expect(response.headers.get(name), `${label}: header ${name}`).not.toBeNull();
  const documented = Object.entries(doc.content ?? {}).at(0);
  if (!documented) {
    expect(await response.text(), `${label}: a body where none is documented`).toBe("");
    return undefined;
  }
  const [media, content] = documented;
  expect(response.headers.get("content-type") ?? "", label).toContain(media);
  // A HEAD answer has the headers of the GET it stands for, and no body.
  if (label.startsWith("HEAD ")) {
    expect(await response.text(), label).toBe("");
    return undefined;
  }
  if (media !== "application/json") return Buffer.from(await response.arrayBuffer());
  const body: unknown = await response.json();
  schemas.assert(content.schema, body, `${label} (${status})`);
  return body;
}

/** A request as the document describes it: its example headers and body, then the test's own. */
async function call(
  entry: (typeof operations)[number],
  values: Record<string, string>,
  init: { headers?: Record<string, string>; query?: Record<string, string>; body?: unknown } = {},
) {
  const headers: Record<string, string> = {};
  const query: Record<string, string> = {};
  for (const parameter of entry.operation.parameters ?? []) {
    if (parameter.in === "header" && parameter.example !== undefined) headers[parameter.name] = parameter.example;
    if (parameter.in === "query" && parameter.required && parameter.example !== undefined) query[parameter.name] = parameter.example;
  }
  const content = entry.operation.requestBody?.content ?? {};
  let body: string | Blob | undefined;
  if ("application/json" in content) {
    body = JSON.stringify(init.body ?? exampleBody(entry.operation));
    headers["content-type"] = "application/json";
  } else if (Object.keys(content).length > 0) {
    body = new Blob([new Uint8Array(512).fill(1)]);
  }
  return fetch(urlFor(entry.route, values, { ...query, ...init.query }), { method: entry.method, headers: { ...headers, ...init.headers }, body });
}

const freshImage = (name = `img-${randomBytes(4).toString("hex")}`, bytes = randomBytes(64 * 1024)) =>
  server.addImage({ owner: server.demo, name, visibility: "private", bytes });

/** An unfinished upload of the demo user, created through the tus endpoint. */
async function freshUpload(): Promise<string> {
  const name = Buffer.from(`upload-${randomBytes(4).toString("hex")}`).toString("base64");
  const response = await fetch(`${server.url}/api/v1/uploads`, {
    method: "POST",
    headers: { ...bearer(demo), "tus-resumable": "1.0.0", "upload-length": String(1 << 20), "upload-metadata": `name ${name}` },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (response.headers.get("location") ?? "").split("/").pop() ?? "";
}

/** A user with a password and nothing else, for the administrators' operations on users. */
const freshUser = async () =>
  (await server.db.user.create({ data: { email: `user-${randomBytes(4).toString("hex")}@example.com`, name: "Fresh", passwordHash: "x" } })).id;

/** The documented operation with this operationId. */
const byId = (id: string) => {
  const entry = operations.find((candidate) => candidate.operation.operationId === id);
  if (!entry) throw new Error(`${id} is not documented`);
  return entry;
};
const b64 = (text: string) => Buffer.from(text).toString("base64");

/** A family of the demo user with one version, for the operations on families. */
async function freshFamily(): Promise<string> {
  const family = `fam-${randomBytes(4).toString("hex")}`;
  await server.addImage({ owner: server.demo, name: `${family}-1`, visibility: "private", family, version: "1" });
  return family;
}

/** A finished import of the demo user's. */
const freshImport = async () =>
  (
    await server.db.imageImport.create({
      data: { id: randomBytes(16).toString("hex"), userId: server.demo.id, url: "https://mirror.example/disk.qcow2", fileName: "disk.qcow2", status: "done" },
    })
  ).id;

/** A team project the demo user owns, with `userId` as a viewer, for the operations on projects and their members. */
async function freshProject(userId: string): Promise<string> {
  const name = `proj-${randomBytes(4).toString("hex")}`;
  const members = [
    { userId: server.demo.id, role: "owner" },
    { userId, role: "viewer" },
  ];
  return (await server.db.project.create({ data: { name, nameKey: name, kind: "team", members: { create: members } } })).id;
}

/** A value for every path parameter the document uses; the image has a share (to the administrator) for the operations on shares. */
async function pathValues() {
  const [id, userId] = [await freshImage(), await freshUser()];
  const share = await server.db.imageShare.create({ data: { imageId: id, userId: server.admin.id, createdById: server.demo.id } });
  return {
    id,
    uploadId: await freshUpload(),
    userId,
    family: await freshFamily(),
    importId: await freshImport(),
    projectId: await freshProject(userId),
    shareId: share.id,
  };
}

it("serves the document the code generates", async () => {
  const served = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as Document;
  expect(served).toEqual(JSON.parse(JSON.stringify(document)));
});

describe.each(operations)("$method $route", (entry) => {
  const { operation } = entry;
  const label = `${entry.method} ${entry.route}`;

  it("answers with its documented success", async () => {
    const response = await call(entry, await pathValues(), { headers: bearer(callerOf(operation)) });
    expect(response.status, `${label}: ${await response.clone().text()}`).toBe(successStatus(operation));
    await expectDocumented(operation, response, label);
  });

  if (secured(operation))
    it("answers 401 without valid credentials: none, malformed, unknown, revoked, expired", async () => {
      const values = await pathValues();
      const revoked = await server.token(server.demo, { name: "revoked" });
      await server.db.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
      const expired = await server.token(server.demo, { name: "expired", expiresInDays: 1, now: new Date(Date.now() - 2 * 86_400_000) });
      secrets.push(revoked.secret, expired.secret);
      for (const headers of [
        {},
        { authorization: "Bearer" },
        bearer("hgr_nope"),
        bearer(`hgr_${"x".repeat(43)}`),
        bearer(revoked.secret),
        bearer(expired.secret),
      ]) {
        const response = await call(entry, values, { headers });
        expect(response.status, `${label} ${JSON.stringify(headers)}`).toBe(401);
        await expectDocumented(operation, response, label);
      }
      expect(await server.db.image.findUnique({ where: { id: values.id } })).toMatchObject({ id: values.id });
      expect(await server.db.upload.findUnique({ where: { id: values.uploadId } })).toMatchObject({ offset: 0n });
      expect(await server.db.user.findUnique({ where: { id: values.userId } })).toMatchObject({ disabledAt: null, passwordHash: "x" });
    });

  const param = /\{(\w+)\}/.exec(entry.route)?.[1];
  if (param)
    it(`answers 404 for a missing ${param} and for another user's, and changes nothing`, async () => {
      const values = await pathValues();
      const snapshot = async () => [
        await server.db.image.findUniqueOrThrow({ where: { id: values.id } }),
        await server.db.upload.findUniqueOrThrow({ where: { id: values.uploadId } }),
        await server.db.user.findUniqueOrThrow({ where: { id: values.userId } }),
      ];
      const before = await snapshot();
      // An administrator's operation has no "another user's": it is about users, and the security suite tries every caller.
      const cases = [
        ...(operation["x-hangar-admin"] ? [] : [["other user", values[param as keyof typeof values], other] as const]),
        ["missing", "no-such-thing", callerOf(operation)] as const,
      ];
      for (const [who, target, secret] of cases) {
        const response = await call(entry, { ...values, [param]: target }, { headers: bearer(secret) });
        expect(response.status, `${label}, ${who}`).toBe(404);
        await expectDocumented(operation, response, label);
      }
      expect(await snapshot()).toEqual(before);
    });
});

describe("listing", () => {
  const list = operations.find((entry) => entry.operation.operationId === "listImages");
  if (!list) throw new Error("listImages is not documented");

  it("accepts every documented value of every enumerated query parameter", async () => {
    for (const parameter of list.operation.parameters ?? []) {
      for (const value of (parameter.schema.enum as string[] | undefined) ?? []) {
        const response = await call(list, {}, { headers: bearer(demo), query: { [parameter.name]: value } });
        expect(response.status, `${parameter.name}=${value}`).toBe(200);
        await expectDocumented(list.operation, response, `listImages ${parameter.name}=${value}`);
      }
    }
  });

  it("answers 400 naming the parameter for values outside the documented schema", async () => {
    for (const [name, value] of [
      ["sort", "bogus"],
      ["scope", "everyone"],
      ["pageSize", "1000"],
      ["page", "0"],
      ["dir", "up"],
      ["q", "x".repeat(256)],
    ]) {
      const response = await call(list, {}, { headers: bearer(demo), query: { [name]: value } });
      expect(response.status, `${name}=${value}`).toBe(400);
      const body = (await expectDocumented(list.operation, response, `listImages ${name}=${value}`)) as { error: { fields: Record<string, string> } };
      expect(body.error.fields[name]).toBeTruthy();
    }
  });

  it("lists the platform catalog and the caller's own images, never another user's", async () => {
    const otherImage = await server.addImage({ owner: server.other, name: `others-secret-${randomBytes(3).toString("hex")}`, visibility: "private" });
    const mineName = `mine-listed-${randomBytes(3).toString("hex")}`;
    const mine = await freshImage(mineName);
    const page = async (query: Record<string, string>) =>
      (await (await call(list, {}, { headers: bearer(demo), query: { pageSize: "100", ...query } })).json()) as {
        items: { id: string; visibility: string; createdBy: { id: string } | null }[];
        total: number;
      };
    const all = await page({});
    // Found by its name: the suite's own images outnumber a page, so where a name falls in it varies.
    expect((await page({ q: mineName })).items.map((image) => image.id)).toEqual([mine]);
    expect(all.items.some((image) => image.id === otherImage)).toBe(false);
    expect(all.items.every((image) => image.visibility === "platform" || image.createdBy?.id === server.demo.id)).toBe(true);
    expect((await page({ scope: "platform" })).items.every((image) => image.visibility === "platform")).toBe(true);
    expect((await page({ scope: "mine" })).items.every((image) => image.createdBy?.id === server.demo.id && image.visibility === "private")).toBe(true);
    const search = await page({ q: "others-secret" });
    expect(search.total).toBe(0);
    const paged = await page({ pageSize: "1", page: "2", sort: "name" });
    expect(paged.items).toHaveLength(1);
  });
});

describe("changing images", () => {
  const patch = operations.find((entry) => entry.method === "PATCH");
  const remove = operations.find((entry) => entry.method === "DELETE");
  if (!patch || !remove) throw new Error("PATCH and DELETE are not documented");

  it("renames and edits in one request; an invalid field changes nothing and is named", async () => {
    const id = await freshImage("patch-me");
    const renamed = await call(patch, { id }, { headers: bearer(demo), body: { name: "  patched  ", minMemoryMiB: 3072, properties: { team: "ci" } } });
    expect(await expectDocumented(patch.operation, renamed, "PATCH")).toMatchObject({ name: "patched", minMemoryMiB: 3072, properties: { team: "ci" } });
    const before = await server.db.image.findUniqueOrThrow({ where: { id } });
    for (const [field, body] of [
      ["name", { name: "  " }],
      ["minMemoryMiB", { name: "ok", minMemoryMiB: -5 }],
      ["architecture", { architecture: "sparc" }],
      ["form", { bogus: true }],
    ] as const) {
      const response = await call(patch, { id }, { headers: bearer(demo), body });
      expect(response.status, field).toBe(400);
      const error = (await expectDocumented(patch.operation, response, `PATCH ${field}`)) as { error: { code: string; fields: Record<string, string> } };
      expect(error.error.code).toBe("invalid");
      expect(error.error.fields[field], field).toBeTruthy();
    }
    expect(await server.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
  });

  it("answers 409 for a name the owner already uses", async () => {
    await freshImage("taken-name");
    const id = await freshImage();
    const response = await call(patch, { id }, { headers: bearer(demo), body: { name: "taken-name" } });
    expect(response.status).toBe(409);
    expect(((await expectDocumented(patch.operation, response, "PATCH conflict")) as { error: { fields: Record<string, string> } }).error.fields.name).toMatch(
      /already/,
    );
  });

  it("refuses a body that is not JSON, or too large, before touching anything", async () => {
    const id = await freshImage();
    const notJson = await fetch(urlFor(patch.route, { id }), { method: "PATCH", headers: { ...bearer(demo), "content-type": "text/plain" }, body: "name=x" });
    expect(notJson.status).toBe(400);
    await expectDocumented(patch.operation, notJson, "PATCH text/plain");
    const broken = await fetch(urlFor(patch.route, { id }), { method: "PATCH", headers: { ...bearer(demo), "content-type": "application/json" }, body: "{" });
    expect(broken.status).toBe(400);
    await expectDocumented(patch.operation, broken, "PATCH broken JSON");
    const huge = await fetch(urlFor(patch.route, { id }), {
      method: "PATCH",
      headers: { ...bearer(demo), "content-type": "application/json" },
      body: JSON.stringify({ description: "d".repeat(MAX_JSON_BODY) }),
    });
    expect(huge.status).toBe(413);
    await expectDocumented(patch.operation, huge, "PATCH huge");
  });

  it("a user's token cannot change or delete a platform image (403); an admin's can", async () => {
    const id = await server.addImage({ owner: server.admin, name: `platform-${randomBytes(3).toString("hex")}`, visibility: "platform" });
    const before = await server.db.image.findUniqueOrThrow({ where: { id } });
    for (const [entry, body] of [
      [patch, { minMemoryMiB: 1 }],
      [patch, { name: "hijacked" }],
      [remove, undefined],
    ] as const) {
      for (const secret of [demo, other]) {
        const response = await call(entry, { id }, { headers: bearer(secret), body });
        expect(response.status).toBe(403);
        await expectDocumented(entry.operation, response, `${entry.method} platform`);
      }
    }
    expect(await server.db.image.findUniqueOrThrow({ where: { id } })).toEqual(before);
    expect((await call(patch, { id }, { headers: bearer(admin), body: { minMemoryMiB: 8192 } })).status).toBe(200);
    expect((await call(remove, { id }, { headers: bearer(admin) })).status).toBe(204);
    expect(await server.db.image.findUnique({ where: { id } })).toBeNull();
  });

  it("deletes the record and its bytes", async () => {
    const id = await freshImage();
    const { storageKey } = await server.db.image.findUniqueOrThrow({ where: { id } });
    const file = path.join(server.dataDir, "images", storageKey ?? "");
    expect(fs.existsSync(file)).toBe(true);
    expect((await call(remove, { id }, { headers: bearer(demo) })).status).toBe(204);
    expect(fs.existsSync(file)).toBe(false);
    expect((await call(remove, { id }, { headers: bearer(demo) })).status).toBe(404);
  });
});

describe("image progress", () => {
  const progress = operations.find((entry) => entry.operation.operationId === "getImageProgress");
  if (!progress) throw new Error("getImageProgress is not documented");

  it("says where the caller's images stand, and leaves out another user's as if missing", async () => {
    const mine = await freshImage();
    const others = await server.addImage({ owner: server.other, name: `others-${randomBytes(3).toString("hex")}`, visibility: "private" });
    const response = await call(progress, {}, { headers: bearer(demo), query: { ids: `${mine},${others},no-such-image` } });
    expect(response.status).toBe(200);
    const body = (await expectDocumented(progress.operation, response, "getImageProgress")) as { id: string; status: string }[];
    expect(body.map((item) => [item.id, item.status])).toEqual([[mine, "ready"]]);
  });

  it("answers 400 naming ids for more than a hundred, or an empty one", async () => {
    for (const ids of [Array.from({ length: 101 }, (_, index) => `id${index}`).join(","), "a,,b"]) {
      const response = await call(progress, {}, { headers: bearer(demo), query: { ids } });
      expect(response.status, ids.slice(0, 20)).toBe(400);
      const body = (await expectDocumented(progress.operation, response, "getImageProgress")) as { error: { fields: Record<string, string> } };
      expect(body.error.fields.ids).toBeTruthy();
    }
  });
});

describe("downloading", () => {
  const download = operations.find((entry) => entry.operation.operationId === "downloadImage");
  if (!download) throw new Error("downloadImage is not documented");

  it("streams the exact bytes, a Range as 206, and 416 past the end", async () => {
    const bytes = randomBytes(300_000);
    const id = await freshImage(undefined, bytes);
    const whole = await call(download, { id }, { headers: bearer(demo) });
    expect(Buffer.compare((await expectDocumented(download.operation, whole, "download")) as Buffer, bytes)).toBe(0);
    const part = await call(download, { id }, { headers: { ...bearer(demo), range: "bytes=100000-" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100000-299999/${bytes.length}`);
    expect(Buffer.compare((await expectDocumented(download.operation, part, "download range")) as Buffer, bytes.subarray(100000))).toBe(0);
    const past = await call(download, { id }, { headers: { ...bearer(demo), range: `bytes=${bytes.length}-` } });
    expect(past.status).toBe(416);
    await expectDocumented(download.operation, past, "download past the end");
  });
});

describe("families, versions and deprecation", () => {
  const metadata = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([key, value]) => `${key} ${b64(value)}`)
      .join(",");
  const createVersion = (family: string, version: string, extra: Record<string, string> = {}) =>
    fetch(`${server.url}/api/v1/uploads`, {
      method: "POST",
      headers: {
        ...bearer(demo),
        "tus-resumable": "1.0.0",
        "upload-length": "4096",
        "upload-metadata": metadata({ name: `${family}-${version}`, family, version, ...extra }),
      },
    });

  it("an upload with family and version starts from the previous version's properties; a version the family has is a 409", async () => {
    const family = await freshFamily();
    await server.db.image.updateMany({
      where: { family },
      data: { minMemoryMiB: 2048, osDistro: "debian", properties: JSON.stringify({ hw_disk_bus: "virtio" }) },
    });
    const created = await createVersion(family, "2", { description: "Second" });
    expect(created.status, await created.clone().text()).toBe(201);
    const image = await server.db.image.findUniqueOrThrow({ where: { id: created.headers.get("hangar-image-id") ?? "" } });
    expect(image).toMatchObject({
      family,
      version: "2",
      minMemoryMiB: 2048,
      osDistro: "debian",
      description: "Second",
      properties: '{"hw_disk_bus":"virtio"}',
    });
    const again = await createVersion(family, "01");
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/already has version 01/);
  });

  it("FAMILY@latest is accepted by every image route: get, change, download; deprecation shows the replacement, obsolete answers 410", async () => {
    const family = await freshFamily();
    const newer = await server.addImage({
      owner: server.demo,
      name: `${family}-1.10`,
      visibility: "private",
      family,
      version: "1.10",
      bytes: randomBytes(2048),
    });
    const older = (await server.db.image.findFirstOrThrow({ where: { family, version: "1" } })).id;
    const got = await call(byId("getImage"), { id: `${family}@latest` }, { headers: bearer(demo) });
    expect(((await expectDocumented(byId("getImage").operation, got, "get latest")) as { id: string }).id).toBe(newer);
    const patched = await call(byId("updateImage"), { id: `${family}@latest` }, { headers: bearer(demo), body: { minDiskGiB: 20 } });
    expect(patched.status).toBe(200);
    expect((await server.db.image.findUniqueOrThrow({ where: { id: newer } })).minDiskGiB).toBe(20);

    const deprecate = byId("setImageDeprecation");
    const deprecated = await call(deprecate, { id: `${family}@1` }, { headers: bearer(demo), body: { state: "deprecated", replacement: `${family}@latest` } });
    const body = (await expectDocumented(deprecate.operation, deprecated, "deprecate")) as { deprecation: { state: string; replacement: string } };
    expect(body.deprecation).toMatchObject({ state: "deprecated", replacement: `${family}@latest` });
    const file = await call(byId("downloadImage"), { id: older }, { headers: bearer(demo) });
    expect(file.status).toBe(200);
    expect(file.headers.get("hangar-deprecation")).toBe(`deprecated; replacement="${family}@latest"`);
    await file.arrayBuffer();

    expect((await call(deprecate, { id: older }, { headers: bearer(demo), body: { state: "obsolete" } })).status).toBe(200);
    const refused = await call(byId("downloadImage"), { id: `${family}@1` }, { headers: bearer(demo) });
    expect(refused.status).toBe(410);
    const error = (await expectDocumented(byId("downloadImage").operation, refused, "obsolete download")) as { error: { message: string } };
    expect(error.error.message).toContain(`Use ${family}@latest instead.`);

    const history = byId("listFamilyVersions");
    const versions = await call(history, { family }, { headers: bearer(demo) });
    const listed = (await expectDocumented(history.operation, versions, "versions")) as {
      latestId: string;
      versions: { version: string; deprecation: { state: string } }[];
    };
    expect([listed.latestId, listed.versions.map((version) => `${version.version}:${version.deprecation.state}`)]).toEqual([
      newer,
      ["1.10:active", "1:obsolete"],
    ]);
  });

  it("a user cannot deprecate another user's image (404) nor a platform image (403); nothing changes", async () => {
    const deprecate = byId("setImageDeprecation");
    const mine = await freshImage();
    const platform = await server.addImage({ owner: server.admin, name: `plat-${randomBytes(4).toString("hex")}`, visibility: "platform" });
    expect((await call(deprecate, { id: mine }, { headers: bearer(other), body: { state: "deleted" } })).status).toBe(404);
    expect((await call(deprecate, { id: platform }, { headers: bearer(demo), body: { state: "obsolete" } })).status).toBe(403);
    expect((await call(deprecate, { id: platform }, { headers: bearer(demo), body: { deleteOn: "2030-01-01" } })).status).toBe(403);
    const rows = await server.db.image.findMany({ where: { id: { in: [mine, platform] } } });
    expect(rows.map((row) => [row.status, row.deleteOn, row.storageKey !== null])).toEqual([
      ["ready", null, true],
      ["ready", null, true],
    ]);
    expect((await call(deprecate, { id: platform }, { headers: bearer(admin), body: { state: "deprecated" } })).status).toBe(200);
  });

  it("bytes never change once in: no field of PATCH reaches them, and the upload's bytes cannot be sent again", async () => {
    const family = await freshFamily();
    const created = await createVersion(family, "2");
    const location = created.headers.get("location") ?? "";
    const imageId = created.headers.get("hangar-image-id") ?? "";
    const bytes = randomBytes(4096);
    const sent = await fetch(new URL(location, server.url), {
      method: "PATCH",
      headers: { ...bearer(demo), "tus-resumable": "1.0.0", "upload-offset": "0", "content-type": "application/offset+octet-stream" },
      body: bytes,
    });
    expect(sent.status, await sent.clone().text()).toBe(204);
    const stored = async () => {
      const row = await server.db.image.findUniqueOrThrow({ where: { id: imageId } });
      return { sha256: row.sha256, storageKey: row.storageKey, fileSize: row.fileSize, family: row.family, version: row.version };
    };
    // The checksum, hashed behind the bytes, is recorded moments after the last one.
    await expect.poll(async () => (await stored()).sha256, { timeout: 20_000 }).toBe(createHash("sha256").update(bytes).digest("hex"));
    const before = await stored();
    for (const offset of ["0", "4096"]) {
      const again = await fetch(new URL(location, server.url), {
        method: "PATCH",
        headers: { ...bearer(demo), "tus-resumable": "1.0.0", "upload-offset": offset, "content-type": "application/offset+octet-stream" },
        body: randomBytes(4096),
      });
      expect([offset, again.status >= 400 && again.status < 500]).toEqual([offset, true]);
    }
    for (const field of [{ sha256: "0".repeat(64) }, { storageKey: "elsewhere" }, { fileSize: 1 }, { version: "3" }, { family: "another" }]) {
      const patched = await call(byId("updateImage"), { id: imageId }, { headers: bearer(demo), body: field });
      expect([field, patched.status]).toEqual([field, 400]);
    }
    expect(await stored()).toEqual(before);
  });
});

describe("the API surface", () => {
  it("answers unknown paths and methods in the error shape", async () => {
    const unknown = await fetch(`${server.url}/api/v1/nothing-here`, { headers: bearer(demo) });
    expect(unknown.status).toBe(404);
    schemas.assert({ $ref: "#/components/schemas/Error" }, await unknown.json(), "unknown path");
    const method = await fetch(`${server.url}/api/v1/images`, { method: "POST", headers: bearer(demo) });
    expect(method.status).toBe(405);
    expect(method.headers.get("allow")).toBe("GET");
    schemas.assert({ $ref: "#/components/schemas/Error" }, await method.json(), "wrong method");
  });

  it("takes the browser session as well as a token", async () => {
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookies = csrf.headers
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0])
      .join("; ");
    const signIn = await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies },
      body: new URLSearchParams({ csrfToken, email: "demo@hangar.local", password: "hangar-demo" }),
    });
    const session = signIn.headers
      .getSetCookie()
      .map((cookie) => cookie.split(";")[0])
      .find((cookie) => cookie.startsWith("next-auth.session-token="));
    expect(session).toBeTruthy();
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { cookie: session ?? "" } });
    expect(await me.json()).toMatchObject({ email: "demo@hangar.local", via: "session", token: null });
  });

  it("a token acts as its user: /me names the user and the token, and its last use is recorded", async () => {
    const me = await fetch(`${server.url}/api/v1/me`, { headers: bearer(demo) });
    expect(await me.json()).toMatchObject({ id: server.demo.id, role: "user", via: "token", token: { name: "demo script" } });
    const row = await server.db.apiToken.findUniqueOrThrow({ where: { hash: hashToken(demo) } });
    expect(row.lastUsedAt).not.toBeNull();
  });
});

it("stores no token in clear anywhere in the server's database files", async () => {
  // Last in the file, after every token above has been created and used.
  const files = await server.databaseFiles();
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const content = fs.readFileSync(file);
    for (const secret of secrets) expect(content.includes(secret.slice(12)), `a token in clear in ${file}`).toBe(false);
  }
});

describe("the protocol's own refusals", () => {
  it("answer as documented, in the API's error shape", async () => {
    const create = byId("createUpload");
    const send = byId("sendUploadBytes");
    const download = byId("downloadImage");
    const values = await pathValues();
    // Header names as the document spells them, so that they replace its examples.
    const cases: [typeof create, Record<string, string>, number][] = [
      [create, { "Upload-Metadata": `name ${b64("x")},colour ${b64("red")}` }, 400],
      [create, { "Upload-Length": String(500 * 1024 ** 3) }, 413],
      [send, { "Upload-Offset": "4096" }, 409],
      [download, { Range: "bytes=999999999-" }, 416],
    ];
    for (const [entry, headers, status] of cases) {
      const label = `${entry.operation.operationId} ${JSON.stringify(headers)}`;
      const response = await call(entry, values, { headers: { ...bearer(demo), ...headers } });
      expect(response.status, `${label}: ${await response.clone().text()}`).toBe(status);
      const body = (await expectDocumented(entry.operation, response, label)) as { error: { message: string } };
      expect(body.error.message.length, label).toBeGreaterThan(10);
    }
    expect(await server.db.upload.findUniqueOrThrow({ where: { id: values.uploadId } })).toMatchObject({ offset: 0n });
  });

  it("answer a method a documented path does not have with 405 and the error shape", async () => {
    for (const [route, item] of Object.entries(document.paths)) {
      const documented = Object.keys(item as object).map((method) => method.toUpperCase());
      const missing = ["GET", "POST", "PUT", "PATCH", "DELETE"].find((method) => !documented.includes(method));
      if (!missing) continue;
      const response = await fetch(urlFor(route, await pathValues()), { method: missing, headers: bearer(demo) });
      expect(response.status, `${missing} ${route}`).toBe(405);
      expect(((await response.json()) as { error: { code: string } }).error.code, `${missing} ${route}`).toBe("method_not_allowed");
    }
  });
});
