import { convertToQcow2, renamed, shellQuote } from "../commands";
import type { Finding, FindingArea, InspectOptionsResolved, WalkResult } from "../findings";
import { ACCEPTED_FORMATS, FORMATS, WRAPPERS } from "../formats/registry";
import type { Check, FormatInfo, ImageFormat } from "../report";
import { formatBytes } from "../text";

export const CHECK_IDS = { supported: "format.supported", safe: "format.safe", integrity: "format.integrity" } as const;

const DECOMPRESS: Partial<Record<ImageFormat, (name: string) => string>> = {
  gzip: (name) => `gunzip -k ${shellQuote(name)}`,
  xz: (name) => `unxz -k ${shellQuote(name)}`,
  zstd: (name) => `unzstd ${shellQuote(name)}`,
  bzip2: (name) => `bunzip2 -k ${shellQuote(name)}`,
  zip: (name) => `unzip ${shellQuote(name)}`,
  tar: (name) => `tar -xf ${shellQuote(name)}   # an OVA is a tar archive: upload the .vmdk inside`,
};

const isAccepted = (format: ImageFormat) => ACCEPTED_FORMATS.includes(format);

function describe(info: FormatInfo): string {
  const parts: string[] = [];
  if (info.subformat) parts.push(info.subformat);
  if (info.virtualSize !== null) parts.push(`virtual size ${formatBytes(info.virtualSize)}`);
  if (info.clusterSize) parts.push(`${formatBytes(info.clusterSize)} ${info.format === "vmdk" ? "grains" : "clusters"}`);
  if (info.extendedL2) parts.push("extended L2 entries");
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** format.supported: accepted for raw, QCOW2 and VMDK; otherwise what to run instead. */
export function supportedCheck(info: FormatInfo, options: InspectOptionsResolved): Check {
  const id = CHECK_IDS.supported;
  const name = options.fileName;
  const { format } = info;
  const label = FORMATS[format].label;
  if (info.fileSize === 0) return { id, status: "fail", message: "The file is empty.", fix: "Upload the disk image file itself." };
  if (isAccepted(format)) {
    return { id, status: "pass", message: `${format === "raw" ? "Raw disk image" : `${label} image`}${describe(info)}.` };
  }
  const decompress = DECOMPRESS[format];
  if (decompress) {
    const what = WRAPPERS.includes(format) && (format === "zip" || format === "tar") ? `a ${label} archive` : `${label}-compressed`;
    return { id, status: "fail", message: `The file is ${what}, not a disk image. Decompress it first and upload the image inside.`, fix: decompress(name) };
  }
  if (format === "iso9660" || format === "udf") {
    const hybrid = info.partitionTable ? " It also carries a partition table, so it can boot as a disk once converted." : "";
    return {
      id,
      status: "fail",
      message: `This is an ${label} optical-disc image (installation media), not a virtual disk.${hybrid}`,
      fix: info.partitionTable
        ? convertToQcow2("raw", name)
        : `Install the system from it into a virtual disk and upload that disk, e.g. qemu-img create -f qcow2 disk.qcow2 20G; virt-install --cdrom ${shellQuote(name)} --disk disk.qcow2 ...`,
    };
  }
  if (format === "luks") {
    const luks1 = info.subformat?.startsWith("LUKS1");
    const out = shellQuote(renamed(name, "qcow2", "-decrypted"));
    return {
      id,
      status: "fail",
      message: "This is a LUKS-encrypted volume: Hangar cannot look inside, and the cloud could not boot it without the key. Upload the decrypted disk.",
      fix: luks1
        ? `qemu-img convert -p --object secret,id=sec0,file=passphrase.txt --image-opts driver=luks,key-secret=sec0,file.filename=${shellQuote(name)} -O qcow2 ${out}`
        : `sudo cryptsetup open ${shellQuote(name)} image && sudo qemu-img convert -p -f raw -O qcow2 /dev/mapper/image ${out} && sudo cryptsetup close image`,
    };
  }
  return {
    id,
    status: "fail",
    message: `This is a ${label} image${describe(info)}. Hangar accepts raw, QCOW2 and VMDK images; convert it to QCOW2.`,
    fix: convertToQcow2(FORMATS[format].qemu ?? "raw", name),
  };
}

/** Several findings of one area become one check: the worst status, every message, every distinct fix. */
function fromFindings(id: string, findings: Finding[], pass: string): Check {
  const failing = findings.filter((f) => f.status === "fail");
  const shown = failing.length > 0 ? failing : findings;
  if (shown.length === 0) return { id, status: "pass", message: pass };
  const fixes = [...new Set(shown.map((f) => f.fix).filter((fix): fix is string => Boolean(fix)))];
  const path = shown.find((f) => f.path)?.path;
  return {
    id,
    status: failing.length > 0 ? "fail" : "warn",
    message: shown.map((f) => f.message).join(" "),
    ...(fixes.length > 0 ? { fix: fixes.join("\n") } : {}),
    ...(path ? { path } : {}),
  };
}

const areaFindings = (findings: Finding[], area: FindingArea) => findings.filter((f) => f.area === area);

export interface SafetyContext {
  info: FormatInfo;
  findings: Finding[];
  /** Why the headers could not be read, when they could not. */
  aborted: string | null;
}

export function safeCheck({ info, findings, aborted }: SafetyContext): Check {
  const id = CHECK_IDS.safe;
  const safe = areaFindings(findings, "safe");
  if (WRAPPERS.includes(info.format))
    return { id, status: "skip", message: "Not checked: the file is compressed or archived; Hangar checks the image inside once it is unpacked." };
  if (aborted && safe.length === 0) return { id, status: "skip", message: "Not checked: the image's headers could not be read (see format.integrity)." };
  const pass =
    info.format === "qcow2"
      ? "No backing file, no external data file, no encryption and only known features; the metadata tables have sane sizes."
      : info.format === "vmdk"
        ? `One self-contained ${info.subformat ?? "sparse"} extent: it names no other file and no parent disk, and its header${info.subformat === "streamOptimized" ? ", footer" : ""} and descriptor agree.`
        : info.format === "raw"
          ? `A raw disk refers to no other file${info.partitionTable ? `, and its ${info.partitionTable.toUpperCase()} partition table is consistent` : ""}.`
          : "Nothing in the headers refers to another file.";
  return fromFindings(id, safe, pass);
}

export interface IntegrityContext extends SafetyContext {
  walk: WalkResult | null;
  /** Why the walk did not run, when the format has one. */
  walkSkipped: string | null;
}

export function integrityCheck({ info, findings, aborted, walk, walkSkipped }: IntegrityContext): Check {
  const id = CHECK_IDS.integrity;
  if (WRAPPERS.includes(info.format)) return { id, status: "skip", message: "Not checked: the file is compressed or archived." };
  const all = [...areaFindings(findings, "integrity"), ...(walk?.findings ?? [])];
  if (aborted) all.unshift({ area: "integrity", status: "fail", message: aborted });
  if (all.some((f) => f.status === "fail")) return fromFindings(id, all, "");
  if (walk) return fromFindings(id, all, `Walked ${walk.walked}: every entry points inside the file.`);
  if (walkSkipped) return all.length > 0 ? fromFindings(id, all, "") : { id, status: "skip", message: walkSkipped };
  const pass =
    info.format === "raw" ? "A raw disk has no allocation tables; its size and partition table are consistent." : "The headers' tables lie inside the file.";
  return fromFindings(id, all, pass);
}
