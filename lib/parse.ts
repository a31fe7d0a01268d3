import { z } from "zod";
import { fieldErrors } from "./field-errors";
import { fail, ok, type Result } from "./result";

/** Parses untrusted input into a Result: an "invalid" failure with the first message and one per field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): Result<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  return fail("invalid", parsed.error.issues[0]?.message ?? "Invalid input.", fieldErrors(parsed.error));
}

/** A record's id as a client sends it. Ids are cuids (25 characters); the bound leaves room for another scheme and keeps junk out of queries. */
export function idSchema(what: string) {
  const message = `That is not ${what} id.`;
  return z.string({ error: message }).min(1, message).max(64, message);
}

// Forms and query strings send numbers as text. Only decimal digits are a number here: Number() would also
// read "0x10" as 16, "1e3" as 1000 and "0b1" as 1, which nobody typing a size means.
const DECIMAL = /^\s*-?\d+\s*$/;
/** Text of decimal digits as its number; anything else as it came, for the schema to refuse. */
export const decimal = (value: unknown) => (typeof value === "string" && DECIMAL.test(value) ? Number(value) : value);
