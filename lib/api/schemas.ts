import { z } from "zod";
import { TOKEN_SCOPES } from "../auth/actor";
import { IMAGE_ACTIONS, PROJECT_KINDS } from "../catalog/actions";
import { ARCHITECTURES, DEPRECATION_STATES, FIRMWARES, type Image, OS_TYPES, STATUSES, VISIBILITIES } from "../catalog/image";
import { MAX_PROGRESS_IDS } from "../catalog/progress";
import { COUNT_CAP, COUNT_WINDOW } from "../catalog/page-total";
import { LIST_SCOPES } from "../catalog/list-scopes";
import type { ImagePage } from "../catalog/queries";
import { COMPRESSIBLE_TARGETS, EXPORT_COMPRESSIONS, EXPORT_TARGETS as EXPORT_FORMATS, isCompressible } from "../convert/targets";
import { listQuerySchema } from "../catalog/schemas";
import { CHECK_STATUSES, FILE_SYSTEM_KINDS, FIRMWARE, IMAGE_FORMATS, VERDICTS } from "../inspect/report";
import type { HttpErrorCode } from "../result";

// The API's response shapes. Request shapes are the catalog's own schemas (lib/catalog/schemas.ts),
// so the routes and the OpenAPI document validate with the same code the portal uses.

export const API_ERROR_CODES = [
  "unauthenticated",
  "forbidden",
  "not_found",
  "invalid",
  "conflict",
  "too_large",
  "quota_exceeded",
  "insufficient_storage",
  "unavailable",
  "gone",
  "method_not_allowed",
  "timeout",
  "internal",
] as const satisfies readonly HttpErrorCode[];
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export const errorSchema = z
  .object({
    error: z.object({
      code: z.enum(API_ERROR_CODES).meta({ description: "Stable, for scripts: what kind of failure this is." }),
      message: z.string().meta({ description: "For people: what went wrong and what to do." }),
      fields: z.record(z.string(), z.string()).optional().meta({ description: "Per-field messages when the input was invalid, keyed by field name." }),
    }),
  })
  .meta({ description: "Every error the API returns has this shape." });

/** What a check stored before codes existed reads as (docs/checks.md). */
export const UNCODED = "report.uncoded";

export const checkSchema = z.object({
  id: z.string().meta({ description: 'Stable check id, such as "format.supported" or "virtio.disk".' }),
  code: z.string().default(UNCODED).meta({ description: 'Stable code of the outcome, such as "qcow2.backing_file" (docs/checks.md lists every code).' }),
  codes: z.array(z.string()).optional().meta({ description: "Every finding's code, when the check reports several at once." }),
  status: z.enum(CHECK_STATUSES),
  message: z.string(),
  fix: z.string().optional().meta({ description: "A command or step that fixes the problem." }),
  path: z.string().optional().meta({ description: "The guest path or file offset that is the evidence." }),
});

const guestSchema = z.object({
  osType: z.enum(OS_TYPES).nullable(),
  distro: z.string().nullable(),
  version: z.string().nullable(),
  prettyName: z.string().nullable(),
  arch: z.string().nullable(),
  kernels: z.array(z.string()),
  firmware: z.array(z.enum(FIRMWARE)),
  root: z.object({ partition: z.number().int().nullable(), fileSystem: z.enum(FILE_SYSTEM_KINDS), logicalVolume: z.string().optional() }).nullable(),
});

/**
 * The validation report lib/inspect writes (lib/inspect/report.ts), as the catalog stores it: the format facts are absent when
 * the file could not be read. Its type is StoredReport itself (schemas.test.ts holds them equal).
 */
export const reportSchema = z
  .object({
    verdict: z.enum(VERDICTS),
    checks: z.array(checkSchema),
    format: z.enum(IMAGE_FORMATS).optional(),
    virtualSize: z.number().nullable().optional(),
    fileSize: z.number().optional(),
    clusterSize: z.number().optional(),
    compression: z.string().optional(),
    encrypted: z.boolean().optional(),
    subformat: z.string().optional(),
    extendedL2: z.boolean().optional(),
    backingFile: z.string().optional(),
    dataFile: z.string().optional(),
    dirty: z.boolean().optional(),
    corrupt: z.boolean().optional(),
    partitionTable: z.enum(["mbr", "gpt"]).nullable().optional(),
    guest: guestSchema.optional(),
  })
  .meta({ description: "What Hangar found when it validated the image; docs/checks.md lists every check's codes." });

// Stored values, which inspection may also set: documented with the values Hangar writes, typed as text.
const oneOf = (values: readonly string[]) =>
  z
    .string()
    .nullable()
    .meta({ description: `One of ${values.join(", ")}.` });

export const personSchema = z.object({ id: z.string(), name: z.string(), email: z.string() });

export const imageSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  visibility: z.enum(VISIBILITIES).meta({ description: "platform: curated by administrators and read-only for users; private: its project's." }),
  project: z
    .object({ id: z.string(), name: z.string(), kind: z.enum(PROJECT_KINDS) })
    .nullable()
    .meta({ description: "The project a private image belongs to; null for platform images." }),
  createdBy: personSchema.nullable().meta({ description: "Who uploaded or registered it; null once that account is deleted." }),
  sharedWithYou: z
    .object({ by: personSchema.nullable(), at: z.iso.datetime() })
    .nullable()
    .meta({ description: "Set when you see the image only because it is shared with you or one of your projects: who shared it, and when." }),
  actions: z.array(z.enum(IMAGE_ACTIONS)).meta({ description: "What you may do with it (the server checks each request again)." }),
  status: z.enum(STATUSES),
  diskFormat: z.string().nullable().meta({ description: "raw, qcow2 or vmdk once validated." }),
  fileSize: z.number().int().min(0).meta({ description: "Bytes." }),
  virtualSize: z.number().int().min(0).nullable().meta({ description: "Bytes the guest sees." }),
  sha256: z.string().nullable(),
  minMemoryMiB: z.number().int().nullable(),
  minDiskGiB: z.number().int().nullable(),
  osType: oneOf(OS_TYPES),
  osDistro: z.string().nullable(),
  osVersion: z.string().nullable(),
  architecture: oneOf(ARCHITECTURES),
  firmware: oneOf(FIRMWARES),
  properties: z.record(z.string(), z.string()).meta({ description: "Free-form key/value properties, as in OpenStack Glance." }),
  report: reportSchema.nullable().meta({ description: "The validation report; null until validation finishes." }),
  validationProgress: z.number().int().min(0).max(100),
  family: z.string().nullable().meta({ description: "The family this image is a version of; `FAMILY@latest` names its newest ready version." }),
  version: z.string().nullable().meta({ description: "Its version in the family, ordered as Debian orders versions (1.10 after 1.9, 1.0~rc1 before 1.0)." }),
  deprecation: z
    .object({
      state: z.enum(DEPRECATION_STATES).meta({
        description:
          "active; deprecated (usable, warn and point to the replacement); obsolete (refused for new use: not in lists nor FAMILY@latest, download 410); deleted (bytes gone).",
      }),
      replacement: z.string().nullable().meta({ description: "What to use instead: an image id or FAMILY@latest, usable wherever an image id is." }),
      deprecateOn: z.iso.datetime().nullable().meta({ description: "When the image becomes deprecated by itself." }),
      obsoleteOn: z.iso.datetime().nullable().meta({ description: "When it becomes obsolete by itself." }),
      deleteOn: z.iso.datetime().nullable().meta({ description: "When it is deleted by itself (its bytes removed)." }),
    })
    .meta({ description: "Its deprecation, as in GCP: the state, the replacement, and the dates on which later states take effect." }),
  diskDigest: z
    .string()
    .nullable()
    .meta({
      description:
        "The virtual-disk digest: SHA-256 of the SHA-256 of each 64 KiB block of the disk the guest sees, the same whatever the container " +
        "(raw, QCOW2, VMDK, VHD...). Null until validation computed it. README: Conversion and export.",
    }),
  convertedFrom: z
    .object({
      format: z.string().meta({ description: "vhd, vhdx, vdi or qed." }),
      subformat: z.string().nullable().meta({ description: "For example fixed or dynamic." }),
      fileSize: z.number().int().min(0).nullable().meta({ description: "Bytes of the file uploaded." }),
      sha256: z.string().nullable().meta({ description: "The SHA-256 of the file uploaded." }),
    })
    .nullable()
    .meta({ description: "What the upload was before the server converted it to diskFormat; null when it was stored as uploaded." }),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type ApiImage = z.input<typeof imageSchema>;

export const imagePageSchema = z.object({
  items: z.array(imageSchema),
  total: z
    .number()
    .int()
    .meta({
      description: `The number of matching images when totalExact is true. The count stops after ${COUNT_CAP.toLocaleString("en-US")}: past that, unless this page reaches the end of the list (within ${COUNT_WINDOW.toLocaleString("en-US")} images of its first), totalExact is false and total is a lower bound (${COUNT_CAP.toLocaleString("en-US")}, or the images seen up to there on a deeper page).`,
    }),
  // Servers before API 1.2 always counted exactly and sent no totalExact: a client reads their answers as exact.
  totalExact: z
    .boolean()
    .default(true)
    .meta({
      description: `Whether total is the exact count: false when more than ${COUNT_CAP.toLocaleString("en-US")} images match and this page does not reach the end of the list (since API 1.2).`,
    }),
  page: z.number().int(),
  pageSize: z.number().int(),
  pageCount: z.number().int().meta({
    description: "The number of pages when totalExact is true; otherwise the pages known to exist, the next one included when there is one (page < pageCount).",
  }),
});
export type ApiImagePage = z.input<typeof imagePageSchema>;

export const meSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(["admin", "user"]),
  via: z.enum(["token", "session"]).meta({ description: "How this request was authenticated." }),
  token: z
    .object({
      id: z.string(),
      name: z.string(),
      expiresAt: z.iso.datetime().nullable(),
      scope: z.enum(TOKEN_SCOPES).meta({ description: "read: see and download; upload: also upload; full: all its user may do." }),
      project: z
        .object({ id: z.string(), name: z.string() })
        .nullable()
        .meta({ description: "The one project the token acts in (it also reads the platform catalog); null for all its user's projects." }),
    })
    .nullable()
    .meta({ description: "The API token this request came with, or null for a browser session." }),
});

export const versionSchema = z.object({
  version: z.string().meta({ description: "Hangar's release; the `hangar` command this server serves has the same." }),
  apiVersion: z.string().meta({
    description:
      "This API's version, MAJOR.MINOR (also the `Hangar-Api-Version` header of every answer): MINOR grows with additions, MAJOR with changes an older client would misread.",
  }),
  cli: z.object({ download: z.string(), sha256: z.string() }).meta({
    description: "Paths on this server of the `hangar` command (one JavaScript file for Node.js 20 or later) and of its SHA-256, as `sha256sum -c` reads it.",
  }),
});

/** A domain image as the API sends it: the report only when it has the documented shape, as the portal shows it. */
export function toApiImage(image: Image): ApiImage {
  const report = reportSchema.safeParse(image.report);
  return { ...image, report: report.success ? report.data : null };
}

export function toApiImagePage(page: ImagePage): ApiImagePage {
  return { ...page, items: page.items.map(toApiImage) };
}

// The catalog's lenient list query (bad values fall back to defaults, right for hand-edited URLs)
// made strict for the API: a bad value is a 400 with a message, a missing one takes the same default.
function strict<T extends z.ZodType>(field: z.ZodCatch<T>) {
  return field.unwrap().default(field.parse(undefined) as never);
}
const list = listQuerySchema.shape;

export const imageListQuerySchema = z.object({
  scope: z.enum(LIST_SCOPES).default("all").meta({
    description:
      "platform: the platform catalog; mine: the private images of your projects and those shared with you; shared: only those shared with you; all: platform and mine.",
  }),
  project: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .meta({ description: "Only this project's private images (and those shared with it; with your personal project, those shared with you too)." }),
  q: strict(list.q).meta({ description: "Only images whose name contains this text." }),
  sort: strict(list.sort),
  dir: strict(list.dir),
  page: strict(list.page),
  pageSize: strict(list.pageSize),
  deprecated: strict(list.deprecated).meta({ description: "Include deprecated, obsolete and deleted images (true or 1)." }),
});

export const imageIdParamsSchema = z.object({
  id: z.string().min(1).max(128).meta({ description: "The image id, or a version of a family: FAMILY@latest (its newest ready version) or FAMILY@VERSION." }),
});

export const familyParamsSchema = z.object({ family: z.string().min(1).max(63).meta({ description: "The family's name, such as debian-12-golden." }) });
export const familyQuerySchema = z.object({
  visibility: z
    .enum(VISIBILITIES)
    .optional()
    .meta({ description: "Whose family: your private one or the platform's. Without it, yours if you have one of that name, else the platform's." }),
});

export const familyHistorySchema = z.object({
  family: z.string(),
  visibility: z.enum(VISIBILITIES),
  latestId: z.string().nullable().meta({ description: "The version FAMILY@latest resolves to, or null when none is ready and active." }),
  versions: z.array(imageSchema).meta({ description: "Every version you may see, newest first by the version order, whatever its state." }),
});

export const downloadQuerySchema = z
  .object({
    format: z
      .enum(EXPORT_FORMATS, `format is one of ${EXPORT_FORMATS.join(", ")}, or left out for the file as stored.`)
      .optional()
      .meta({ description: "raw, qcow2 or vmdk: the image's disk in that format instead of the file as stored." }),
    compression: z
      .enum(EXPORT_COMPRESSIONS, `compression is ${EXPORT_COMPRESSIONS.join(" or ")}, or left out.`)
      .optional()
      .meta({
        description:
          "With format=qcow2: its clusters compressed (zlib, as `qemu-img convert -c` writes them), a smaller file that takes longer to make; also for an image stored as QCOW2.",
      }),
  })
  .refine(({ format, compression }) => !compression || isCompressible(format), {
    error: `compression applies to format=${COMPRESSIBLE_TARGETS.join(" or ")} only.`,
    path: ["compression"],
  });

export const imageProgressQuerySchema = z.object({
  ids: z
    .string()
    .max(MAX_PROGRESS_IDS * 65)
    .regex(/^[^,]{1,64}(,[^,]{1,64})*$/, "Image ids, separated by commas.")
    .optional()
    .meta({ description: `Up to ${MAX_PROGRESS_IDS} image ids, separated by commas.` })
    .transform((ids) => (ids ? ids.split(",") : []))
    .pipe(z.array(z.string()).max(MAX_PROGRESS_IDS, `At most ${MAX_PROGRESS_IDS} image ids.`)),
});

export const imageProgressSchema = z.array(
  z.object({
    id: z.string(),
    status: z.enum(STATUSES),
    uploadProgress: z
      .number()
      .int()
      .min(0)
      .max(100)
      .nullable()
      .meta({ description: "While uploading: the percentage of the bytes the server has received (noted every few seconds); otherwise null." }),
    validationProgress: z.number().int().min(0).max(100),
    failures: z.number().int().min(0).meta({ description: "How many checks failed, for a rejected image." }),
  }),
);
