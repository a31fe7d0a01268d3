import { isInspectError } from "../errors";

/** What `work` ended with: "no error", or the InspectError's coded reason (its kind when it has none); anything else is rethrown. */
export async function reasonOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return "no error";
  } catch (error) {
    if (!isInspectError(error)) throw error;
    return error.reason ?? error.code;
  }
}
