import { z } from "zod";
import { createAccountSchema, updateAccountSchema } from "../accounts/schemas";
import { imagePatchSchema } from "../catalog/schemas";
import { accountPageSchema, accountSchema, passwordLinkSchema } from "./account-schemas";
import { auditEventSchema, auditPageSchema } from "./audit-operations";
import { httpStatus } from "../result";
import type { HeaderDoc, Operation } from "./operation";
import { OPERATIONS } from "./operations";
import { UPLOAD_OPERATIONS } from "./upload-operations";
import { addMemberSchema, createProjectSchema, memberRoleSchema, shareTargetSchema, updateProjectSchema } from "../projects/schemas";
import { memberSchema, projectSchema, shareSchema } from "./project-schemas";
import { errorSchema, imagePageSchema, imageSchema, meSchema, reportSchema, versionSchema } from "./schemas";
import { API_VERSION, API_VERSION_HEADER } from "./version";

type JsonSchema = Record<string, unknown>;

// Named schemas become components and are referenced by $ref; responses are described as the
// server writes them (output), request bodies as a client sends them (input).
const responseSchemas = z.registry<{ id: string }>();
responseSchemas.add(imageSchema, { id: "Image" });
responseSchemas.add(imagePageSchema, { id: "ImagePage" });
responseSchemas.add(reportSchema, { id: "ValidationReport" });
responseSchemas.add(meSchema, { id: "Me" });
responseSchemas.add(versionSchema, { id: "Version" });
responseSchemas.add(errorSchema, { id: "Error" });
responseSchemas.add(accountSchema, { id: "User" });
responseSchemas.add(accountPageSchema, { id: "UserPage" });
responseSchemas.add(passwordLinkSchema, { id: "PasswordLink" });
responseSchemas.add(projectSchema, { id: "Project" });
responseSchemas.add(memberSchema, { id: "Member" });
responseSchemas.add(shareSchema, { id: "Share" });
responseSchemas.add(auditEventSchema, { id: "AuditEvent" });
responseSchemas.add(auditPageSchema, { id: "AuditPage" });
const requestSchemas = z.registry<{ id: string }>();
requestSchemas.add(imagePatchSchema, { id: "ImagePatch" });
requestSchemas.add(createAccountSchema, { id: "NewUser" });
requestSchemas.add(updateAccountSchema, { id: "UserPatch" });
requestSchemas.add(createProjectSchema, { id: "ProjectCreate" });
requestSchemas.add(updateProjectSchema, { id: "ProjectPatch" });
requestSchemas.add(addMemberSchema, { id: "MemberAdd" });
requestSchemas.add(memberRoleSchema, { id: "MemberRole" });
requestSchemas.add(shareTargetSchema, { id: "ShareTarget" });

const ref = (id: string) => `#/components/schemas/${id}`;

/** A JSON Schema without its dialect and id: the document declares the dialect once, and names components itself. */
const embedded = (schema: JsonSchema): JsonSchema => Object.fromEntries(Object.entries(schema).filter(([key]) => key !== "$schema" && key !== "$id"));

function components(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const [registry, io] of [
    [responseSchemas, "output"],
    [requestSchemas, "input"],
  ] as const) {
    const { schemas } = z.toJSONSchema(registry, { io, uri: ref, unrepresentable: "throw" });
    for (const [id, schema] of Object.entries(schemas)) {
      out[id] = embedded(schema);
    }
  }
  return out;
}

function schemaFor(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const id = (io === "output" ? responseSchemas : requestSchemas).get(schema)?.id;
  if (id) return { $ref: ref(id) };
  return embedded(z.toJSONSchema(schema, { io }));
}

function headerObjects(headers: Record<string, HeaderDoc> | undefined) {
  if (!headers) return undefined;
  return Object.fromEntries(
    Object.entries(headers).map(([name, doc]) => [
      name,
      { description: doc.description, schema: doc.schema ?? { type: "string" }, ...(doc.required === false ? { required: false } : {}) },
    ]),
  );
}

const ERROR_CONTENT = { "application/json": { schema: { $ref: ref("Error") } } };

const VERSION_HEADER: Record<string, HeaderDoc> = {
  [API_VERSION_HEADER]: {
    description: `This API's version, MAJOR.MINOR (now ${API_VERSION}); see getVersion.`,
    schema: { type: "string", pattern: "^\\d+\\.\\d+$" },
  },
};

/**
 * A response as documented; `versioned` when lib/api/respond.ts writes it, which adds the API
 * version header to every answer but the bytes of a file (the tus endpoint writes its own).
 */
function response(doc: Operation["success"] | NonNullable<Operation["otherResponses"]>[number], versioned: boolean) {
  const headers = versioned && !("binary" in doc) ? { ...doc.headers, ...VERSION_HEADER } : doc.headers;
  const content =
    "schema" in doc
      ? { "application/json": { schema: schemaFor(doc.schema, "output") } }
      : "binary" in doc
        ? { "application/octet-stream": { schema: { type: "string", contentMediaType: "application/octet-stream" } } }
        : "error" in doc
          ? ERROR_CONTENT
          : undefined;
  return { description: doc.description, ...(headerObjects(headers) ? { headers: headerObjects(headers) } : {}), ...(content ? { content } : {}) };
}

/** Path, query and header parameters; a parameter is required when the schema refuses it missing. */
function parameters(operation: Operation) {
  const fromObject = (where: "path" | "query", object: z.ZodObject | undefined) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => {
      const schema = schemaFor(field as z.ZodType, "input");
      const { description, examples, ...rest } = schema;
      return {
        name,
        in: where,
        required: where === "path" || !(field as z.ZodType).safeParse(undefined).success,
        ...(typeof description === "string" ? { description } : {}),
        ...(Array.isArray(examples) && examples.length > 0 ? { example: examples[0] as unknown } : {}),
        schema: rest,
      };
    });
  const headers = Object.entries(operation.headers ?? {}).map(([name, doc]) => ({
    name,
    in: "header",
    required: doc.required ?? false,
    description: doc.description,
    schema: doc.schema ?? { type: "string" },
    ...(doc.example !== undefined ? { example: doc.example } : {}),
  }));
  return [...fromObject("path", operation.params), ...fromObject("query", operation.query), ...headers];
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The input is not valid; `error.fields` says which field and why. Nothing was changed.",
  401: "No valid credentials: the token is missing, unknown, revoked or expired, or there is no session.",
  403: "Authenticated, but not allowed: your role in the project or your token's scope does not cover it, or only administrators may (platform images, accounts, quotas).",
  404: "No such image, project, user or upload, or one you may not see (another project's image answers the same).",
  409: "The request conflicts with the current state (a name already taken, an image still uploading) or does not apply (sharing a platform image).",
  413: "Too large: the request body, or for an upload the image (over the size limit or your quota).",
  503: "The server cannot do it right now: the database or the image store does not answer (a restart, a network cut). Nothing is lost; try again after `Retry-After` seconds.",
  507: "The server has no disk space left for this upload.",
};

function operationObject(operation: Operation, versioned: boolean) {
  const responses: Record<string, unknown> = { [operation.success.status]: response(operation.success, versioned) };
  for (const [status, doc] of Object.entries(operation.otherResponses ?? {})) responses[status] = response(doc, versioned);
  // Any operation may meet the database or the store away (lib/http/engine-outage.ts): 503, as any may fail with 500.
  const errorStatuses = new Set([...operation.errors.map(httpStatus), 500, 503]);
  for (const status of [...errorStatuses].sort()) {
    const headers = headerObjects({
      ...(status === 401 ? { "WWW-Authenticate": { description: '`Bearer realm="hangar"`.' } } : {}),
      ...(status === 503 ? { "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer" } } } : {}),
      ...(versioned ? VERSION_HEADER : {}),
    });
    responses[status] = {
      description: status === 500 ? "An unexpected server error, logged on the server." : (ERROR_DESCRIPTIONS[status] ?? "An error."),
      ...(headers && Object.keys(headers).length ? { headers } : {}),
      content: ERROR_CONTENT,
    };
  }
  const params = parameters(operation);
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    ...(operation.auth ? {} : { security: [] }),
    ...(operation.admin ? { "x-hangar-admin": true } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(operation.rawBody
      ? {
          requestBody: {
            required: true,
            description: operation.rawBody.description,
            content: { [operation.rawBody.mediaType]: { schema: { type: "string", contentMediaType: operation.rawBody.mediaType } } },
          },
        }
      : {}),
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": { schema: schemaFor(operation.body, "input"), ...(operation.bodyExample ? { example: operation.bodyExample } : {}) },
            },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from the operations the routes (and the tus endpoint) serve. */
export function openApiDocument(operations: readonly Operation[] = [...OPERATIONS, ...UPLOAD_OPERATIONS]) {
  const answeredByRoutes = new Set<Operation>(OPERATIONS);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    paths[operation.path][operation.method] = operationObject(operation, answeredByRoutes.has(operation));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Hangar API",
      version: API_VERSION,
      description:
        "Manage the virtual-machine images of a Hangar portal. Authenticate with a personal API token " +
        "(created on the portal's Settings page) as `Authorization: Bearer hgr_…`; it acts as its user, with the same rights or fewer: " +
        "a token may be limited to one project and to reading (`read`) or uploading (`upload`). " +
        'Every error has the shape `{ "error": { "code", "message", "fields"? } }`. ' +
        `Answers carry this API's version (MAJOR.MINOR) in the \`${API_VERSION_HEADER}\` header, the upload endpoint's and file bytes excepted; GET /version has it too.`,
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearerToken: [] }, { sessionCookie: [] }],
    tags: [
      { name: "Account", description: "Who you are." },
      { name: "Images", description: "The catalog: platform images, your projects' images and those shared with you." },
      { name: "Projects", description: "Personal and team projects: members and their roles, quotas, what they share." },
      { name: "Uploads", description: "Resumable uploads with the tus 1.0 protocol (creation, expiration, termination)." },
      { name: "Users", description: "Accounts, for administrators: invitations, roles, quotas, disabling, password resets, deletion." },
      { name: "Audit", description: "The audit trail: every change, who made it and how; administrators read all of it, project owners their projects'." },
      { name: "Documentation", description: "This document, and the versions of Hangar and of this API." },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", description: "A personal API token, `hgr_` followed by 43 letters and digits." },
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "next-auth.session-token",
          description: "The portal's browser session (`__Secure-next-auth.session-token` over HTTPS).",
        },
      },
      schemas: components(),
    },
  };
}
