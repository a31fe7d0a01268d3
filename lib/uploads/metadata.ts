import { z } from "zod";
import { VISIBILITIES, type Visibility } from "../catalog/image";
import { fieldErrors, imageNameSchema, imagePropertiesSchema, type ImageProperties, propertiesSchema, sourceFileNameSchema } from "../catalog/schemas";
import { fail, ok, type Result } from "../result";
import { imageNameFromFileName } from "./file-name";
import { METADATA_KEYS } from "./protocol";

// Keys common tus clients (tus-js-client demos, Uppy) send on their own; accepted and ignored.
const CLIENT_KEYS = ["filetype", "type", "relativePath"];

const PROPERTY_KEYS = ["description", "minMemoryMiB", "minDiskGiB", "osType", "osDistro", "osVersion", "architecture", "firmware"] as const;

export interface UploadRequest {
  name: string;
  fileName: string;
  visibility: Visibility;
  /** The project a private image goes into; null for the uploader's default (the token's project, else their personal project). */
  projectId: string | null;
  /** Lowercase hex, when the client declared the file's checksum. */
  sha256: string | null;
  /** Lowercase hex: the client's sampleFingerprint of the file, compared when an upload is resumed. */
  sample: string | null;
  properties: ImageProperties;
  /** A version of a family, as sent (checked with the name when the image is created). */
  family?: string;
  version?: string;
}

const hexDigest = (key: string) =>
  z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, `${key} must be 64 hexadecimal digits.`)
    .transform((value) => value.toLowerCase());

/** Reads a client's Upload-Metadata (already split into key/value by the tus server) into what an upload creates. */
export function parseUploadMetadata(metadata: Record<string, string | null> | undefined): Result<UploadRequest> {
  const values = metadata ?? {};
  const unknown = Object.keys(values).filter((key) => !(METADATA_KEYS as readonly string[]).includes(key) && !CLIENT_KEYS.includes(key));
  if (unknown.length) {
    return fail(
      "invalid",
      `Unknown Upload-Metadata key${unknown.length > 1 ? "s" : ""} ${unknown.map((key) => `"${key}"`).join(", ")}. Hangar reads: ${METADATA_KEYS.join(", ")}.`,
    );
  }
  const text = (key: string) => values[key] ?? undefined;

  const parsedFileName = sourceFileNameSchema.safeParse(text("filename") ?? "");
  if (!parsedFileName.success) {
    const message = parsedFileName.error.issues[0]?.message ?? "Invalid file name.";
    return fail("invalid", message, { filename: message });
  }
  const fileName = parsedFileName.data;
  const parsedName = imageNameSchema.safeParse(text("name") ?? (fileName ? imageNameFromFileName(fileName) : undefined));
  if (!parsedName.success)
    return fail("invalid", parsedName.error.issues[0]?.message ?? "Give the image a name.", { name: parsedName.error.issues[0]?.message ?? "Invalid name." });

  const visibility = text("visibility") ?? "private";
  if (!(VISIBILITIES as readonly string[]).includes(visibility))
    return fail("invalid", `visibility must be one of ${VISIBILITIES.join(", ")}.`, { visibility: "Unknown visibility." });
  const projectId = text("project")?.trim() || null;
  if (projectId !== null && visibility === "platform")
    return fail("invalid", "A platform image belongs to no project: send project only with private images.", { project: "Platform images have no project." });
  if (projectId !== null && projectId.length > 64) return fail("invalid", "project must be a project id.", { project: "Not a project id." });

  const digests: Record<"sha256" | "sample", string | null> = { sha256: null, sample: null };
  for (const key of ["sha256", "sample"] as const) {
    if (text(key) === undefined) continue;
    const parsed = hexDigest(key).safeParse(text(key));
    if (!parsed.success) return fail("invalid", parsed.error.issues[0]?.message ?? `Invalid ${key}.`, { [key]: `Invalid ${key}.` });
    digests[key] = parsed.data;
  }

  let custom: unknown;
  if (text("properties") !== undefined) {
    try {
      custom = JSON.parse(text("properties") ?? "");
    } catch {
      return fail("invalid", "properties must be a JSON object of names to strings.", { properties: "Not JSON." });
    }
    const parsed = propertiesSchema.safeParse(custom);
    if (!parsed.success)
      return fail("invalid", parsed.error.issues[0]?.message ?? "Invalid properties.", {
        properties: parsed.error.issues[0]?.message ?? "Invalid properties.",
      });
  }
  const input = Object.fromEntries(PROPERTY_KEYS.filter((key) => text(key) !== undefined).map((key) => [key, text(key)]));
  const parsedProps = imagePropertiesSchema.safeParse(custom === undefined ? input : { ...input, properties: custom });
  if (!parsedProps.success) {
    const fields = fieldErrors(parsedProps.error);
    return fail("invalid", Object.values(fields)[0] ?? "Some properties are not valid.", fields);
  }
  return ok({
    name: parsedName.data,
    fileName: fileName || parsedName.data,
    visibility: visibility as Visibility,
    projectId,
    ...digests,
    properties: parsedProps.data,
    family: text("family"),
    version: text("version"),
  });
}
