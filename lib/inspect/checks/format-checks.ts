import type { Outcome } from "../codes";
import { convertToQcow2, renamed, shellQuote } from "../commands";
import type { Finding, FindingArea, InspectOptionsResolved, WalkResult } from "../findings";
import { ACCEPTED_FORMATS, FORMATS, WRAPPERS } from "../formats/registry";
import type { Check, FormatInfo, ImageFormat } from "../report";
import { formatBytes } from "../text";
import { INTEGRITY, SAFE, SUPPORTED } from "./format-codes";

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
  const check = (outcome: Outcome): Check => ({ id: CHECK_IDS.supported, ...outcome });
  const name = options.fileName;
  const { format } = info;
  const label = FORMATS[format].label;
  if (info.fileSize === 0) return check(SUPPORTED.empty());
  if (isAccepted(format)) return check(SUPPORTED.accepted({ description: `${format === "raw" ? "Raw disk image" : `${label} image`}${describe(info)}` }));
  const decompress = DECOMPRESS[format];
  if (decompress) {
    const archive = WRAPPERS.includes(format) && (format === "zip" || format === "tar");
    return check((archive ? SUPPORTED.archive : SUPPORTED.compressed)({ label }, { fix: decompress(name) }));
  }
  if (format === "iso9660" || format === "udf") {
    return check(
      info.partitionTable ? SUPPORTED.optical_hybrid({ label }, { fix: convertToQcow2("raw", name) }) : SUPPORTED.optical({ label, file: shellQuote(name) }),
    );
  }
  if (format === "luks") {
    const values = { file: shellQuote(name), out: shellQuote(renamed(name, "qcow2", "-decrypted")) };
    return check(info.subformat?.startsWith("LUKS1") ? SUPPORTED.luks1_volume(values) : SUPPORTED.luks2_volume(values));
  }
  return check(SUPPORTED.not_accepted({ label, details: describe(info) }, { fix: convertToQcow2(FORMATS[format].qemu ?? "raw", name) }));
}

/** Several findings of one area become one check: the worst status, every message, every distinct fix, every code. */
function fromFindings(id: string, findings: Finding[], pass: Outcome): Check {
  const failing = findings.filter((f) => f.status === "fail");
  const shown = failing.length > 0 ? failing : findings;
  if (shown.length === 0) return { id, ...pass };
  const fixes = [...new Set(shown.map((f) => f.fix).filter((fix): fix is string => Boolean(fix)))];
  const path = shown.find((f) => f.path)?.path;
  return {
    id,
    code: shown[0].code,
    ...(shown.length > 1 ? { codes: shown.map((f) => f.code) } : {}),
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
  /** The finding that says why the headers could not be read, when they could not. */
  aborted: Finding | null;
}

function safePass(info: FormatInfo): Outcome {
  if (info.format === "qcow2") return SAFE["qcow2.standalone"]();
  if (info.format === "vmdk") return info.subformat === "streamOptimized" ? SAFE["vmdk.stream_self_contained"]() : SAFE["vmdk.sparse_self_contained"]();
  if (info.format !== "raw") return SAFE.no_references();
  return info.partitionTable ? SAFE["raw.standalone_partitioned"]({ table: info.partitionTable.toUpperCase() }) : SAFE["raw.standalone"]();
}

export function safeCheck({ info, findings, aborted }: SafetyContext): Check {
  const id = CHECK_IDS.safe;
  const safe = areaFindings(findings, "safe");
  if (WRAPPERS.includes(info.format)) return { id, ...SAFE.safe_skipped_packed() };
  if (aborted && safe.length === 0) return { id, ...SAFE.safe_skipped_unreadable() };
  return fromFindings(id, safe, safePass(info));
}

export interface IntegrityContext extends SafetyContext {
  walk: WalkResult | null;
  /** Why the walk did not run, when the format has one. */
  walkSkipped: Outcome | null;
}

export function integrityCheck({ info, findings, aborted, walk, walkSkipped }: IntegrityContext): Check {
  const id = CHECK_IDS.integrity;
  if (WRAPPERS.includes(info.format)) return { id, ...INTEGRITY.integrity_skipped_packed() };
  const all = [...(aborted ? [aborted] : []), ...areaFindings(findings, "integrity"), ...(walk?.findings ?? [])];
  if (walk) return fromFindings(id, all, INTEGRITY.tables_walked({ walked: walk.walked }));
  if (walkSkipped && all.length === 0) return { id, ...walkSkipped };
  return fromFindings(id, all, info.format === "raw" ? INTEGRITY["raw.consistent"]() : INTEGRITY.tables_inside());
}
