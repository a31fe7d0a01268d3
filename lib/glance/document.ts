import { DECLARABLE_FORMATS } from "../catalog/declared-format";
import type { ImageFacts } from "../catalog/image-facts";
import type { Image, ImageStatus } from "../catalog/image";

/** Glance's image statuses, those Hangar's map to, and those of an import under way (lib/glance/import.ts). */
export type GlanceStatus = "queued" | "saving" | "active" | "killed" | "deleted" | "deactivated" | ArrivingStatus;

/** A queued image's bytes on their way: staged for glance-direct (uploading), or downloading for web-download (importing). */
export type ArrivingStatus = "uploading" | "importing";
export const ARRIVING_STATUSES: readonly ArrivingStatus[] = ["uploading", "importing"];

/**
 * Hangar's status as Glance's: an image waiting for its bytes is queued, one being validated is saving (its
 * bytes are in; Glance's clients wait for active), a rejected one is killed (its report says why), an obsolete
 * one, whose download is refused, deactivated. A deprecated image is active and hidden (os_hidden).
 */
export const GLANCE_STATUS: Record<ImageStatus, GlanceStatus> = {
  uploading: "queued",
  validating: "saving",
  ready: "active",
  rejected: "killed",
  deprecated: "active",
  obsolete: "deactivated",
  deleted: "deleted",
};

/**
 * Glance's disk formats Hangar takes: those it stores or converts (lib/catalog/declared-format.ts). A client
 * declares one, Hangar's inspection decides what the bytes are; a format outside these is refused, and not shown.
 */
export const GLANCE_DISK_FORMATS = DECLARABLE_FORMATS;

/** Glance's container formats Hangar takes: a bare disk, or an OVA, whose disk a web-download unpacks (Hangar then holds the bare disk). */
export const GLANCE_CONTAINER_FORMATS = ["bare", "ova"] as const;

export const glanceDiskFormat = (format: string | null) => (format && (GLANCE_DISK_FORMATS as readonly string[]).includes(format) ? format : null);

/** Hangar's columns Glance names as properties: min_ram and min_disk are core integers (0 when unset), the others strings. */
export const MAPPED_PROPERTIES = [
  { glance: "min_ram", field: "minMemoryMiB", kind: "integer" },
  { glance: "min_disk", field: "minDiskGiB", kind: "integer" },
  { glance: "description", field: "description", kind: "string" },
  { glance: "os_type", field: "osType", kind: "string" },
  { glance: "os_distro", field: "osDistro", kind: "string" },
  { glance: "os_version", field: "osVersion", kind: "string" },
  { glance: "architecture", field: "architecture", kind: "string" },
  { glance: "hw_firmware_type", field: "firmware", kind: "string" },
] as const satisfies readonly { glance: string; field: keyof Image; kind: "integer" | "string" }[];

export type MappedField = (typeof MAPPED_PROPERTIES)[number]["field"];

/** Properties Hangar sets and no client changes: the verdict of validation, and where its report is read. */
export const HANGAR_PROPERTIES = ["hangar_validation", "hangar_report"] as const;

/** Glance's core attributes no client writes (Glance answers 403 to a change of one). */
export const READ_ONLY = [
  "id",
  "status",
  "owner",
  "size",
  "virtual_size",
  "checksum",
  "os_hash_algo",
  "os_hash_value",
  "created_at",
  "updated_at",
  "self",
  "file",
  "schema",
  "direct_url",
  "locations",
  "stores",
  ...HANGAR_PROPERTIES,
] as const;

/** The image's mapped columns under Glance's names: min_ram and min_disk always (0: no minimum), the others when set. */
export function mappedProperties(image: Image): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const { glance, field, kind } of MAPPED_PROPERTIES) {
    const value = image[field];
    if (kind === "integer") values[glance] = value ?? 0;
    else if (value !== null && value !== "") values[glance] = value;
  }
  return values;
}

/** Names Glance gives a meaning: a custom property of Hangar's (set on the portal) by one of these names is not shown as it. */
const RESERVED: ReadonlySet<string> = new Set([
  ...READ_ONLY,
  ...["name", "visibility", "protected", "os_hidden", "container_format", "disk_format", "tags"],
  ...MAPPED_PROPERTIES.map((property) => property.glance),
]);

/** The image's custom properties Glance can show: strings, under names Glance leaves free. */
export const customProperties = (image: Image): Record<string, string> =>
  Object.fromEntries(Object.entries(image.properties).filter(([key]) => !RESERVED.has(key)));

/** Glance's time format: seconds, UTC, with a Z. */
const glanceTime = (iso: string) => `${iso.slice(0, 19)}Z`;

/** Validation's verdict once given: what a pipeline checks before it boots the image. */
function validation(status: ImageStatus): "passed" | "rejected" | null {
  if (status === "rejected") return "rejected";
  return status === "uploading" || status === "validating" ? null : "passed";
}

/**
 * An image as Glance's API shows it (`portal`: where the portal's image pages are, for the report's link). Custom
 * properties are strings, and a value Hangar does not know is left out rather than null: glanceclient checks
 * images against the schema it is served, whose core fields are not nullable.
 */
export function glanceImage(image: Image, facts: ImageFacts, portal: string, arriving: ArrivingStatus | null = null): Record<string, unknown> {
  const known = image.status !== "uploading";
  const optional: Record<string, unknown> = {
    disk_format: glanceDiskFormat(image.diskFormat),
    size: known ? image.fileSize : null,
    virtual_size: image.virtualSize,
    // The MD5 is of the bytes as uploaded: a converted upload's stored bytes are another file.
    checksum: image.convertedFrom ? null : facts.md5,
    os_hash_algo: image.sha256 ? "sha256" : null,
    os_hash_value: image.sha256,
    owner: image.project?.id ?? null,
    hangar_validation: validation(image.status),
    hangar_report: validation(image.status) ? `${portal}/images/${encodeURIComponent(image.id)}` : null,
  };
  const self = `/v2/images/${image.id}`;
  return {
    ...customProperties(image),
    id: image.id,
    name: image.name,
    status: (image.status === "uploading" && arriving) || GLANCE_STATUS[image.status],
    visibility: image.visibility === "platform" ? "public" : facts.shared ? "shared" : "private",
    protected: false,
    os_hidden: image.status === "deprecated",
    container_format: "bare",
    tags: facts.tags,
    created_at: glanceTime(image.createdAt),
    updated_at: glanceTime(image.updatedAt),
    ...Object.fromEntries(Object.entries(optional).filter((entry) => entry[1] !== null)),
    ...mappedProperties(image),
    self,
    file: `${self}/file`,
    schema: "/v2/schemas/image",
  };
}
