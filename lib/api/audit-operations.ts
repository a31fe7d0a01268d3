import { z } from "zod";
import { AUDIT_ACTION_IDS } from "../audit/actions";
import { auditQuerySchema } from "../audit/schemas";
import { defineOperation } from "./operation";

const values = z.record(z.string(), z.unknown()).nullable();

export const auditEventSchema = z.object({
  id: z.string(),
  at: z.string().meta({ description: "When, ISO 8601 UTC." }),
  actor: z
    .object({ id: z.string().nullable(), email: z.string().nullable() })
    .nullable()
    .meta({ description: "Who acted (the email as it was then); null for the system. A failed sign-in has the email tried and no id." }),
  via: z.enum(["session", "token", "system"]),
  viaId: z.string().nullable().meta({ description: "The session's id, or the API token's id." }),
  clientAddress: z.string().nullable(),
  action: z.string().meta({ description: `One of: ${AUDIT_ACTION_IDS.join(", ")}.` }),
  label: z.string(),
  object: z.object({ type: z.string(), id: z.string().nullable() }),
  projectId: z.string().nullable(),
  before: values.meta({ description: "The changed fields as they were." }),
  after: values.meta({ description: "The changed fields as they became." }),
});

export const auditPageSchema = z.object({ events: z.array(auditEventSchema), nextCursor: z.string().nullable() });

export const listAuditEventsOperation = defineOperation({
  operationId: "listAuditEvents",
  method: "get",
  path: "/audit",
  summary: "Read the audit trail",
  description:
    "Every change, newest first: sign-ins (and failed ones), accounts, projects, members, shares, tokens, uploads, validations and image changes, " +
    "with who, how (session, token, system), from where, and the changed fields before and after. Administrators read everything; a project's owners read " +
    "its events (`project=`, or all the projects they own). Pages follow `nextCursor`. `format=jsonl` (or `Accept: application/x-ndjson`) streams every " +
    "matching event as JSON lines instead, for export.",
  tag: "Audit",
  auth: true,
  query: auditQuerySchema,
  success: { status: 200, description: "One page of events (or, with format=jsonl, all of them as JSON lines).", schema: auditPageSchema },
  errors: ["unauthenticated", "invalid", "forbidden", "not_found"],
});

export const AUDIT_OPERATIONS = [listAuditEventsOperation] as const;
