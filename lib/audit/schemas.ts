import { z } from "zod";
import { decimal } from "../parse";
import { AUDIT_ACTION_IDS, AUDIT_OBJECT_TYPES } from "./actions";

/** A form's empty field is no filter. */
const blankless = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const instant = (what: string) =>
  z
    .string()
    .trim()
    .max(40)
    // A date, or a date and time (a form's datetime-local has no zone: read as UTC).
    .regex(
      /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/,
      `${what} is a date (2026-12-07) or a date and time (2026-12-07T09:30Z).`,
    )
    .transform((value, context) => {
      const zoned = /T.*(?:Z|[+-]\d{2}:\d{2})$/.test(value) ? value : value.includes("T") ? `${value}Z` : `${value}T00:00:00Z`;
      const date = new Date(zoned);
      if (Number.isNaN(date.getTime())) {
        context.addIssue({ code: "custom", message: `${what} is not a real date.` });
        return z.NEVER;
      }
      return date;
    });

export const AUDIT_PAGE_SIZE = 50;
export const MAX_AUDIT_PAGE_SIZE = 500;

/** The audit trail's filters, as the API's query and the admin page's URL carry them. */
export const auditQuerySchema = z
  .object({
    actor: blankless(z.string().trim().max(320)).meta({ description: "The acting user's id or email (the email tried, for a failed sign-in)." }),
    action: blankless(z.enum(AUDIT_ACTION_IDS, { error: "Unknown action." })).meta({ description: "One action, e.g. image.rename." }),
    objectType: blankless(z.enum(AUDIT_OBJECT_TYPES, { error: "Unknown object type." })),
    objectId: blankless(z.string().trim().max(64)),
    project: blankless(z.string().trim().max(64)).meta({ description: "A project's id: its events only." }),
    from: blankless(instant("From")).meta({ description: "Events at or after this time (ISO 8601; a date alone is midnight UTC)." }),
    to: blankless(instant("To")).meta({ description: "Events before this time." }),
    cursor: blankless(z.string().max(200)).meta({ description: "The `nextCursor` of the previous page." }),
    limit: z.preprocess(
      (value) => (value === undefined || value === "" ? AUDIT_PAGE_SIZE : decimal(value)),
      z.number().int().min(1).max(MAX_AUDIT_PAGE_SIZE, `At most ${MAX_AUDIT_PAGE_SIZE} events a page.`),
    ),
    format: blankless(z.enum(["json", "jsonl"])).meta({
      description: "`jsonl` streams every matching event as JSON lines (application/x-ndjson), for export.",
    }),
  })
  .refine((query) => !query.from || !query.to || query.from < query.to, { error: "From must come before To.", path: ["to"] });

export type AuditQuery = z.output<typeof auditQuerySchema>;
