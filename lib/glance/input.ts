import { z } from "zod";
import type { ImageFacts } from "../catalog/image-facts";
import type { Image } from "../catalog/image";
import { fail, ok, type Result } from "../result";
import {
  customProperties,
  GLANCE_CONTAINER_FORMATS,
  GLANCE_DISK_FORMATS,
  glanceDiskFormat,
  MAPPED_PROPERTIES,
  type MappedField,
  mappedProperties,
  READ_ONLY,
} from "./document";

const count = (label: string) =>
  z
    .number({ error: `${label} is a whole number.` })
    .int(`${label} is a whole number.`)
    .min(0, `${label} cannot be negative.`);

/** The attributes of Glance's image that are not string properties, as a create or a patch may set them. */
const coreSchema = z.object({
  name: z.string({ error: "name is a string." }).optional(),
  visibility: z
    .enum(["public", "private", "shared", "community"], { error: "visibility is public, private or shared." })
    .refine((value) => value !== "community", "Hangar has no community images: an image is public (the platform catalog), private or shared.")
    .optional(),
  os_hidden: z.boolean({ error: "os_hidden is true or false." }).optional(),
  protected: z.literal(false, { error: "Hangar does not protect images from deletion: its policy decides who may delete (protected is false)." }).optional(),
  container_format: z
    .enum(GLANCE_CONTAINER_FORMATS, { error: "Hangar stores disks: container_format is bare (or ova, whose disk a web-download unpacks)." })
    .nullable()
    .optional(),
  disk_format: z
    .enum(GLANCE_DISK_FORMATS, {
      error: `Hangar holds raw, QCOW2 and VMDK disks and converts VHD, VHDX and VDI: disk_format is one of ${GLANCE_DISK_FORMATS.join(", ")}.`,
    })
    .nullable()
    .optional(),
  tags: z.array(z.unknown(), { error: "tags is a list of strings." }).optional(),
  min_ram: count("min_ram").optional(),
  min_disk: count("min_disk").optional(),
});

const CORE_KEYS = Object.keys(coreSchema.shape);

/** A Glance image document read into what Hangar changes: checked by Hangar's own schemas afterwards (lib/catalog/schemas.ts). */
export interface GlanceChange {
  name: string | undefined;
  visibility: "public" | "private" | "shared" | undefined;
  hidden: boolean | undefined;
  tags: unknown[] | undefined;
  /** The disk format declared (null: none); inspection checks it against the bytes (lib/catalog/declared-format.ts). */
  diskFormat: string | null | undefined;
  /** Hangar's columns Glance names as properties; null clears one. */
  fields: Partial<Record<MappedField, unknown>>;
  /** Custom properties: every string property that is not a mapped one. */
  properties: Record<string, string>;
}

/**
 * Reads a Glance image document (a create's body, or an image after a patch): the core attributes, the
 * properties Hangar keeps as columns, and custom ones, which are strings. Read-only attributes are refused
 * (Glance's 403); a mapped property absent from the document is cleared.
 */
export function readDocument(doc: Record<string, unknown>): Result<GlanceChange> {
  const readOnly = Object.keys(doc).find((key) => (READ_ONLY as readonly string[]).includes(key));
  if (readOnly) return fail("forbidden", `Attribute '${readOnly}' is read-only.`);
  const core = coreSchema.safeParse(Object.fromEntries(Object.entries(doc).filter(([key]) => CORE_KEYS.includes(key))));
  if (!core.success) return fail("invalid", core.error.issues[0]?.message ?? "Invalid image.");
  const { name, visibility, os_hidden: hidden, tags, min_ram, min_disk, disk_format: diskFormat } = core.data;
  // 0 is Glance's "no minimum", which Hangar says with null.
  const fields: Partial<Record<MappedField, unknown>> = { minMemoryMiB: min_ram || null, minDiskGiB: min_disk || null };
  for (const { field, kind } of MAPPED_PROPERTIES) if (kind === "string") fields[field] = null;
  const properties: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (CORE_KEYS.includes(key)) continue;
    if (typeof value !== "string") return fail("invalid", `Property '${key}' must be a string: Glance's custom properties are strings.`);
    const mapped = MAPPED_PROPERTIES.find((property) => property.glance === key);
    if (mapped) fields[mapped.field] = value;
    else properties[key] = value;
  }
  return ok({ name, visibility, hidden, tags, diskFormat, fields, properties });
}

/** What a patch starts from: the image's writable attributes and properties, as Glance names them. */
export function editableDocument(image: Image, facts: ImageFacts): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    ...customProperties(image),
    name: image.name,
    visibility: image.visibility === "platform" ? "public" : facts.shared ? "shared" : "private",
    os_hidden: image.status === "deprecated",
    protected: false,
    container_format: "bare",
    tags: facts.tags,
  };
  const diskFormat = glanceDiskFormat(image.diskFormat);
  if (diskFormat) doc.disk_format = diskFormat;
  return { ...doc, ...mappedProperties(image) };
}
