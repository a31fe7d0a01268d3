import type { z } from "zod";

/** Per-field messages from a zod error, keyed by the top-level field, for forms and the API's error body. */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? String(issue.path[0]) : "form";
    fields[key] ??= issue.message;
  }
  return fields;
}
