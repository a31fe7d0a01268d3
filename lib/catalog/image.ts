import type { ImageAction, ProjectKind } from "./actions";

export const VISIBILITIES = ["platform", "private"] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const STATUSES = ["uploading", "validating", "ready", "rejected", "deprecated", "obsolete", "deleted"] as const;
export type ImageStatus = (typeof STATUSES)[number];

/**
 * GCP's deprecation states. active: a ready image. deprecated: usable, with a warning and its replacement.
 * obsolete: out of every list and of FAMILY@latest, its download refused (410, naming the replacement), its record
 * still readable and restorable. deleted: the bytes are gone; the record stays as a tombstone that names the replacement.
 */
export const DEPRECATION_STATES = ["active", "deprecated", "obsolete", "deleted"] as const;
export type DeprecationState = (typeof DEPRECATION_STATES)[number];

/** Statuses an image settles in once validated and accepted: the ones deprecation moves between. */
export const SETTLED_STATUSES = ["ready", "deprecated", "obsolete", "deleted"] as const satisfies readonly ImageStatus[];
/** Settled statuses out of the default lists: shown only when deprecated images are asked for. */
export const RETIRED_STATUSES = ["deprecated", "obsolete", "deleted"] as const satisfies readonly ImageStatus[];
/** Settled statuses whose bytes are refused for new use. */
export const UNUSABLE_STATUSES = ["obsolete", "deleted"] as const satisfies readonly ImageStatus[];

export function deprecationState(status: ImageStatus): DeprecationState {
  return (RETIRED_STATUSES as readonly ImageStatus[]).includes(status) ? (status as DeprecationState) : "active";
}

/** The image's own properties (the description and what it needs and holds), each a column: a new version of a family starts from them, a published copy takes them. */
export const PROPERTY_COLUMNS = ["description", "minMemoryMiB", "minDiskGiB", "osType", "osDistro", "osVersion", "architecture", "firmware"] as const;

export const ARCHITECTURES = ["x86_64", "aarch64"] as const;
export const FIRMWARES = ["bios", "uefi"] as const;
export const OS_TYPES = ["linux", "windows"] as const;

/** What a list can be sorted by (the portal's columns, the API's `sort`, `hangar images ls --sort`). */
export const SORT_KEYS = ["name", "os", "format", "size", "memory", "status", "updated"] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** Someone an image names: who created it, who shared it. */
export interface Person {
  id: string;
  name: string;
  email: string;
}

/** An image as the domain hands it out to one actor: plain JSON-safe values, sizes as numbers of bytes. */
export interface Image {
  id: string;
  name: string;
  description: string;
  visibility: Visibility;
  /** The project a private image belongs to; null for platform images. */
  project: { id: string; name: string; kind: ProjectKind } | null;
  /** Who uploaded or registered it; null once that account is deleted. */
  createdBy: Person | null;
  /** Set when the actor sees the image only because it is shared with them or one of their projects. */
  sharedWithYou: { by: Person | null; at: string } | null;
  /** What the actor may do with it (lib/catalog/policy.ts). */
  actions: ImageAction[];
  status: ImageStatus;
  diskFormat: string | null;
  fileSize: number;
  virtualSize: number | null;
  sha256: string | null;
  minMemoryMiB: number | null;
  minDiskGiB: number | null;
  osType: string | null;
  osDistro: string | null;
  osVersion: string | null;
  architecture: string | null;
  firmware: string | null;
  properties: Record<string, string>;
  /** The stored validation report (lib/inspect's JSON), or null before validation. */
  report: unknown;
  validationProgress: number;
  /** The family this image is a version of, and which version; both null for a lone image. */
  family: string | null;
  version: string | null;
  deprecation: {
    state: DeprecationState;
    /** What to use instead: an image id or a family reference such as "debian-12-golden@latest". */
    replacement: string | null;
    /** When each state takes effect by itself, if scheduled (ISO 8601). */
    deprecateOn: string | null;
    obsoleteOn: string | null;
    deleteOn: string | null;
  };
  /** The virtual-disk digest (lib/convert/digest.ts), the same for every container of one disk; null until validation computed it. */
  diskDigest: string | null;
  /** What the upload was before the server converted it; null when it was stored as uploaded. */
  convertedFrom: ConvertedFrom | null;
  createdAt: string;
  updatedAt: string;
}

/** The original of a converted image, as recorded when it was converted (lib/catalog/conversion.ts). */
export interface ConvertedFrom {
  format: string;
  subformat: string | null;
  fileSize: number | null;
  sha256: string | null;
}
