import { MAX_TAG_LENGTH } from "../catalog/tags";
import { SHARE_STATUSES } from "../projects/share-status";
import { ARRIVING_STATUSES, GLANCE_CONTAINER_FORMATS, GLANCE_DISK_FORMATS, GLANCE_STATUS } from "./document";

// The JSON Schemas Glance serves at /v2/schemas/image(s). glanceclient validates every image it reads against
// them (warlock) and builds `glance image-create`'s options from their properties, so they describe exactly
// what lib/glance/document.ts sends. No `stores`: a schema listing it made a cached glanceclient fail with
// "conflicting option string" in token mode.

const readOnly = (type: string | string[], description: string) => ({ type, readOnly: true, description });
const text = (description: string) => ({ type: "string", maxLength: 255, description });

/** Glance's image schema, as Hangar fills it. */
export const IMAGE_SCHEMA = {
  name: "image",
  properties: {
    id: readOnly("string", "An identifier for the image"),
    name: text("Descriptive name for the image"),
    status: { ...readOnly("string", "Status of the image"), enum: [...new Set([...Object.values(GLANCE_STATUS), ...ARRIVING_STATUSES])] },
    visibility: { type: "string", enum: ["public", "private", "shared"], description: "Scope of image accessibility" },
    protected: { type: "boolean", description: "If true, image will not be deletable." },
    os_hidden: { type: "boolean", description: "If true, image will not appear in default image list response (Hangar: deprecated)." },
    checksum: { ...readOnly(["null", "string"], "md5 hash of image contents, when uploaded through this API."), maxLength: 32 },
    os_hash_algo: { ...readOnly(["null", "string"], "Algorithm to calculate the os_hash_value"), maxLength: 64 },
    os_hash_value: { ...readOnly(["null", "string"], "Hexdigest of the image contents using the algorithm specified by the os_hash_algo"), maxLength: 128 },
    owner: { ...readOnly(["null", "string"], "The project the image belongs to; absent for public images"), maxLength: 255 },
    size: readOnly(["null", "integer"], "Size of image file in bytes"),
    virtual_size: readOnly(["null", "integer"], "Virtual size of image in bytes"),
    container_format: { type: ["null", "string"], enum: [null, ...GLANCE_CONTAINER_FORMATS], description: "Format of the container" },
    disk_format: { type: ["null", "string"], enum: [null, ...GLANCE_DISK_FORMATS], description: "Format of the disk (Hangar detects it from the bytes)" },
    created_at: readOnly("string", "Date and time of image registration"),
    updated_at: readOnly("string", "Date and time of the last image modification"),
    tags: { type: "array", description: "List of strings related to the image", items: { type: "string", maxLength: MAX_TAG_LENGTH } },
    min_ram: { type: "integer", description: "Amount of ram (in MB) required to boot image." },
    min_disk: { type: "integer", description: "Amount of disk space (in GB) required to boot image." },
    self: readOnly("string", "An image self url"),
    file: readOnly("string", "An image file url"),
    schema: readOnly("string", "An image schema url"),
    description: { type: "string", maxLength: 4000, description: "A description of the image" },
    os_type: { type: "string", enum: ["linux", "windows"], description: "The operating system installed on the image." },
    os_distro: text("Common name of operating system distribution, such as debian, ubuntu, rhel."),
    os_version: text("Operating system version as specified by the distributor"),
    architecture: { type: "string", enum: ["x86_64", "aarch64"], description: "Operating system architecture" },
    hw_firmware_type: { type: "string", enum: ["bios", "uefi"], description: "The firmware the image boots with" },
    hangar_validation: { ...readOnly("string", "Hangar's verdict on the image: passed or rejected"), enum: ["passed", "rejected"] },
    hangar_report: readOnly("string", "Where Hangar's validation report of the image is read"),
  },
  additionalProperties: { type: "string" },
  links: [
    { rel: "self", href: "{self}" },
    { rel: "enclosure", href: "{file}" },
    { rel: "describedby", href: "{schema}" },
  ],
};

export const IMAGES_SCHEMA = {
  name: "images",
  properties: {
    images: { type: "array", items: IMAGE_SCHEMA },
    schema: { type: "string" },
    first: { type: "string" },
    next: { type: "string" },
  },
  links: [
    { rel: "first", href: "{first}" },
    { rel: "next", href: "{next}" },
    { rel: "describedby", href: "{schema}" },
  ],
};

/** Glance's member schema (lib/glance/members.ts): a project an image is shared with, and its answer. */
export const MEMBER_SCHEMA = {
  name: "member",
  properties: {
    member_id: { type: "string", description: "The project the image is shared with (a Hangar project id)" },
    image_id: readOnly("string", "An identifier for the image"),
    status: { type: "string", enum: [...SHARE_STATUSES], description: "The status of this image member" },
    created_at: readOnly("string", "Date and time of image member creation"),
    updated_at: readOnly("string", "Date and time of last modification of image member"),
    schema: readOnly("string", "A member schema url"),
  },
};

export const MEMBERS_SCHEMA = {
  name: "members",
  properties: { members: { type: "array", items: MEMBER_SCHEMA }, schema: { type: "string" } },
  links: [{ rel: "describedby", href: "{schema}" }],
};
