import { z } from "zod";
import { decimal, idSchema } from "../parse";
import { isWellFormedText, NOT_TEXT_MESSAGE } from "../text/well-formed";
import { ARCHITECTURES, DEPRECATION_STATES, FIRMWARES, OS_TYPES, SORT_KEYS } from "./image";
import { imageNameSchema, invisibleCharacterReason } from "./image-name";

export { fieldErrors } from "../field-errors";
export { imageNameSchema };

/** Largest minimum memory we accept: 4 TiB, more than any KVM host offers. */
export const MAX_MIN_MEMORY_MIB = 4 * 1024 * 1024;
/** Largest minimum disk: 16 TiB, the inspector's default bound on virtual size. */
export const MAX_MIN_DISK_GIB = 16 * 1024;
export const MAX_DESCRIPTION = 4000;
export const MAX_PROPERTIES = 64;

export const imageIdSchema = idSchema("an image");

export const deprecatedSchema = z.boolean({ error: "Say whether to deprecate (true) or restore (false) the image." });

/**
 * A day (YYYY-MM-DD, midnight UTC) or an ISO 8601 date and time; null clears it. Read as the UTC instant in ISO 8601,
 * still a string, so that the route and the domain can both parse it.
 */
const effectiveDate = (label: string) =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: `${label} must be a date such as 2027-01-31, or a date and time in ISO 8601.` })
    .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value).toISOString())
    .nullable()
    .optional();

/**
 * A change of an image's deprecation, as GCP's: the state it takes now (omitted: it keeps its own), what replaces
 * it (an image id or a family reference; null clears it), and the dates on which each later state takes effect.
 */
export const deprecationInputSchema = z
  .object({
    state: z.enum(DEPRECATION_STATES, { error: `The state is one of ${DEPRECATION_STATES.join(", ")}.` }).optional(),
    replacement: z.string().trim().min(1).max(200, "Name the replacement by its id or as FAMILY@latest.").nullable().optional(),
    deprecateOn: effectiveDate("The deprecation date"),
    obsoleteOn: effectiveDate("The obsolete date"),
    deleteOn: effectiveDate("The deletion date"),
  })
  .strict()
  .refine((input) => Object.keys(input).length > 0, "Give a state, a replacement or a date.");
export type DeprecationInput = z.input<typeof deprecationInputSchema>;

const PLAIN_FILE_NAME = /^[^/\\\0]+$/;
const CHOOSE_FILE = "Choose a file from the import directory.";

/** Text that is text: a lone UTF-16 surrogate is refused with a message naming the field. */
const text = (label: string) => z.string().refine(isWellFormedText, `${label} ${NOT_TEXT_MESSAGE}.`);

/** The name of the file an image comes from: fix commands quote it, so it must show what it is. */
export const sourceFileNameSchema = z
  .string()
  .max(1024, "File names are at most 1024 characters.")
  .superRefine((name, context) => {
    const reason = invisibleCharacterReason(name, "File names", "Rename the file without it.");
    if (reason) context.addIssue({ code: "custom", message: reason });
  });

/** Registering a file from the import directory: a plain file name there (never a path), a name and properties checked like any new image's. */
export const registerInputSchema = z.object(
  {
    fileName: z
      .string({ error: CHOOSE_FILE })
      .max(255, CHOOSE_FILE)
      .regex(PLAIN_FILE_NAME, CHOOSE_FILE)
      .refine((name) => name !== "." && name !== "..", CHOOSE_FILE)
      .pipe(sourceFileNameSchema),
    name: z.unknown(),
    properties: z.unknown().optional(),
  },
  { error: CHOOSE_FILE },
);

// Forms send "" for an empty field; JSON sends null or omits it. Both mean "not set".
const empty = (value: unknown) => (value === "" || value === undefined ? null : value);

const optionalInt = (label: string, unit: string, max: number) =>
  z.preprocess(
    (value) => empty(decimal(value)),
    z
      .number({ error: `${label} must be a whole number of ${unit}.` })
      .int(`${label} must be a whole number of ${unit}.`)
      .min(0, `${label} cannot be negative.`)
      .max(max, `${label} is at most ${max.toLocaleString("en-US")} ${unit}.`)
      .nullable(),
  );

const optionalChoice = <T extends readonly [string, ...string[]]>(label: string, choices: T) =>
  z.preprocess(empty, z.enum(choices, { error: `${label} must be one of ${choices.join(", ")}.` }).nullable());

const optionalText = (label: string, max: number, pattern?: RegExp, patternMessage?: string) => {
  let checked = text(label).trim().max(max, `${label} is at most ${max} characters.`);
  if (pattern) checked = checked.regex(pattern, patternMessage ?? `${label} has characters that are not allowed.`);
  return z.preprocess((value) => (typeof value === "string" ? value.trim() || null : empty(value)), checked.nullable());
};

const propertyKey = z.string().regex(/^[A-Za-z0-9_.:-]{1,255}$/, "Property names use letters, digits and _ . : - (at most 255).");

export const FIRST_CLASS_KEYS = [
  "name",
  "description",
  "visibility",
  "owner",
  "status",
  "disk_format",
  "size",
  "virtual_size",
  "checksum",
  "min_ram",
  "min_disk",
  "os_type",
  "os_distro",
  "os_version",
  "architecture",
  "hw_firmware_type",
] as const;

export const propertiesSchema = z
  .record(propertyKey, text("A property value").max(1024, "Property values are at most 1024 characters."))
  .refine((record) => Object.keys(record).length <= MAX_PROPERTIES, `At most ${MAX_PROPERTIES} properties.`)
  .refine(
    (record) => !Object.keys(record).some((key) => (FIRST_CLASS_KEYS as readonly string[]).includes(key)),
    "Use the fields above for built-in properties, not a custom property of the same name.",
  );

/** Everything *Edit properties* can change; every field optional so the API can patch one at a time. */
export const imagePropertiesSchema = z
  .object({
    description: z.preprocess(
      (value) => (value === null || value === undefined ? "" : value),
      text("The description").max(MAX_DESCRIPTION, `The description is at most ${MAX_DESCRIPTION.toLocaleString("en-US")} characters.`),
    ),
    minMemoryMiB: optionalInt("Minimum memory", "MiB", MAX_MIN_MEMORY_MIB),
    minDiskGiB: optionalInt("Minimum disk", "GiB", MAX_MIN_DISK_GIB),
    osType: optionalChoice("OS type", OS_TYPES),
    osDistro: optionalText("OS distribution", 64, /^[a-z0-9][a-z0-9._-]*$/, "Use a lowercase distribution id such as debian, ubuntu, rhel or windows."),
    osVersion: optionalText("OS version", 64),
    architecture: optionalChoice("Architecture", ARCHITECTURES),
    firmware: optionalChoice("Firmware", FIRMWARES),
    properties: propertiesSchema,
  })
  .partial()
  .strict();

/** A change through the API: a new name and any properties, validated together so that nothing changes unless all is valid. */
export const imagePatchSchema = imagePropertiesSchema.extend({ name: imageNameSchema.optional() });

export type ImagePropertiesInput = z.input<typeof imagePropertiesSchema>;
export type ImageProperties = z.output<typeof imagePropertiesSchema>;

export const listQuerySchema = z.object({
  q: z.string().trim().max(255).catch(""),
  sort: z.enum(SORT_KEYS).catch("name"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.preprocess(decimal, z.number().int().min(1).max(1_000_000)).catch(1),
  pageSize: z.preprocess(decimal, z.number().int().min(1).max(100)).catch(20),
  deprecated: z.preprocess((value) => value === true || value === "1" || value === "true", z.boolean()).catch(false),
});
export type ListQuery = z.output<typeof listQuerySchema>;
