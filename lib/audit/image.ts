import type { Image as ImageRow } from "../db/generated/client";
import { type AuditEntry, type AuditValues, diffFields } from "./record";

/** What an edit can change on an image, as the trail shows it (free-form properties as an object). */
const EDITABLE = [
  "name",
  "description",
  "minMemoryMiB",
  "minDiskGiB",
  "osType",
  "osDistro",
  "osVersion",
  "architecture",
  "firmware",
  "properties",
  "status",
  "visibility",
  "ownerId",
] as const;

type Row = Pick<ImageRow, "id" | "name" | (typeof EDITABLE)[number]>;

function valuesOf(row: Row): AuditValues {
  let properties: unknown = row.properties;
  try {
    properties = JSON.parse(row.properties);
  } catch {
    // Kept as stored.
  }
  return Object.fromEntries(EDITABLE.map((key) => [key, key === "properties" ? properties : row[key]]));
}

/**
 * The audit entry of a change to an image: its id and name, and the fields that differ between the row
 * before and the row after. INTEGRATION POINT (projects): the image's project goes into `object.projectId`.
 */
export function imageChange(action: AuditEntry["action"], before: Row, after: Row): AuditEntry {
  return { action, object: { id: after.id, label: after.name }, ...diffFields(valuesOf(before), valuesOf(after), EDITABLE) };
}

/** The audit entry of an image that comes or goes: its id and name, and what it was (or is). */
export function imageEvent(
  action: AuditEntry["action"],
  row: Pick<ImageRow, "id" | "name">,
  values: { before?: AuditValues; after?: AuditValues },
): AuditEntry {
  return { action, object: { id: row.id, label: row.name }, before: values.before ?? null, after: values.after ?? null };
}
