import { InspectError, type InspectErrorCode } from "../../errors";

/** An InspectError whose message says it comes from the ext2/3/4 reader. */
export const extError = (code: InspectErrorCode, message: string): InspectError => new InspectError(code, `ext file system: ${message}`);

export const corrupt = (message: string): InspectError => extError("corrupt", message);
