import type { Command } from "commander";
import type { GuestInfo, StoredReport } from "../../inspect/report";
import { formatBytes } from "../../inspect/text";
import { EXIT, type ExitCode } from "../exit-codes";
import { addOutputOptions, outputFormat } from "../output-format";

export interface InspectCommandOptions {
  json?: boolean;
  quick?: boolean;
  /** false (--no-guest): the format checks alone. */
  guest?: boolean;
  maxVirtualSize?: string;
  /** The cloud boots instances with a kernel of its own: a disk without a boot loader only warns. */
  directKernelBoot?: boolean;
}

interface Output {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Progress goes to a terminal only. */
  progress: ((fraction: number) => void) | null;
}

const STATUS_LABEL: Record<string, string> = { pass: "PASS", warn: "WARN", fail: "FAIL", skip: "SKIP" };

function field(label: string, value: string): string {
  return `  ${label.padEnd(14)}${value}\n`;
}

const bytes = (n: number) => (n < 1024 ? formatBytes(n) : `${formatBytes(n)} (${n.toLocaleString("en-US")} bytes)`);

/** A value of the guest object (or anything else) as one line. */
function plain(value: unknown): string {
  if (value === null || value === undefined) return "-";
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map(plain).join(", ");
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k} ${plain(v)}`)
      .join(", ");
  }
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

/**
 * The human-readable report: the format facts, every check (whatever its id) with its code, then the guest, if inspected.
 * A stored report of a file that could not be read has checks and no format facts.
 */
export function renderReport(file: string, report: StoredReport): string {
  let text = `${file}: ${report.format ?? "unread"}, ${report.verdict.toUpperCase()}\n`;
  if (report.format) text += field("format", `${report.format}${report.subformat ? ` (${report.subformat})` : ""}`);
  if (report.virtualSize !== undefined) text += field("virtual size", report.virtualSize === null ? "unknown" : bytes(report.virtualSize));
  if (report.fileSize !== undefined) text += field("file size", bytes(report.fileSize));
  if (report.clusterSize) text += field(report.format === "vmdk" ? "grain size" : "cluster size", formatBytes(report.clusterSize));
  if (report.compression) text += field("compression", report.compression);
  if (report.encrypted) text += field("encrypted", "yes");
  if (report.extendedL2) text += field("extended L2", "yes");
  if (report.backingFile !== undefined) text += field("backing file", report.backingFile || "(unnamed)");
  if (report.dataFile !== undefined) text += field("data file", report.dataFile || "(unnamed)");
  if (report.dirty) text += field("dirty", "yes");
  if (report.corrupt) text += field("corrupt", "yes");
  if (report.partitionTable !== undefined) text += field("partitions", report.partitionTable ?? "none");
  text += "\nChecks\n";
  const width = Math.max(...report.checks.map((c) => c.id.length));
  for (const check of report.checks) {
    text += `  ${STATUS_LABEL[check.status] ?? check.status.toUpperCase()}  ${check.id.padEnd(width)}  ${check.message}\n`;
    const indent = " ".repeat(10 + width);
    text += `${indent}code: ${(check.codes ?? [check.code]).join(", ")}\n`;
    if (check.path) text += `${indent}evidence: ${check.path}\n`;
    if (check.fix)
      text += check.fix
        .split("\n")
        .map((line, i) => `${indent}${i === 0 ? "fix: " : "     "}${line}\n`)
        .join("");
  }
  if (report.guest) text += renderGuest(report.guest);
  return text;
}

const FIRMWARE_LABEL: Record<string, string> = { bios: "BIOS", uefi: "UEFI" };

/** The guest summary: what the operating system is and how it boots; further fields as they come. */
export function renderGuest(guest: GuestInfo): string {
  const { osType, distro, version, prettyName, arch, kernels, firmware, root, ...rest } = guest;
  let text = "\nGuest\n";
  if (osType === null) return `${text}${field("os", "none found")}`;
  const id = [distro, version].filter(Boolean).join(" ");
  const name = prettyName ?? (id || osType);
  text += field("os", id && name.toLowerCase() !== id.toLowerCase() ? `${name} (${id})` : name);
  text += field("type", osType);
  text += field("architecture", arch ?? "unknown");
  if (osType === "linux") text += field(kernels.length > 1 ? "kernels" : "kernel", kernels.length > 0 ? kernels.join(", ") : "none installed");
  text += field("firmware", firmware.length > 0 ? firmware.map((f) => FIRMWARE_LABEL[f] ?? f).join(" and ") : "no boot loader found");
  if (root) {
    const place = root.partition === null ? "whole disk" : `partition ${root.partition}`;
    text += field("root", `${root.logicalVolume ? `logical volume ${root.logicalVolume} on ${place}` : place}, ${root.fileSystem}`);
  }
  for (const [key, value] of Object.entries(rest)) text += field(key, plain(value));
  return text;
}

export async function runInspect(file: string, options: InspectCommandOptions, out: Output): Promise<ExitCode> {
  let maxVirtualSize: number | undefined;
  if (options.maxVirtualSize !== undefined) {
    maxVirtualSize = Number(options.maxVirtualSize);
    if (!Number.isSafeInteger(maxVirtualSize) || maxVirtualSize <= 0) {
      out.stderr(`hangar inspect: --max-virtual-size wants a number of bytes, not "${options.maxVirtualSize}"\n`);
      return EXIT.usage;
    }
  }
  // The inspector is most of the bundle: loaded by the commands that inspect, not at every start.
  const [{ inspectImage }, { openFileReader }, { NODE_CODECS }] = await Promise.all([
    import("../../inspect"),
    import("../../inspect/readers/file"),
    import("../../inspect/node-codecs"),
  ]);
  let reader;
  try {
    reader = await openFileReader(file);
  } catch (error) {
    out.stderr(`hangar inspect: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  try {
    const report = await inspectImage(reader, {
      depth: options.quick ? "format" : "full",
      guest: options.guest !== false,
      maxVirtualSize,
      fileName: file,
      onProgress: out.progress ?? undefined,
      directKernelBoot: options.directKernelBoot ?? false,
      codecs: NODE_CODECS,
    });
    out.progress?.(1);
    out.stdout(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(file, report));
    return report.verdict === "accepted" ? EXIT.ok : EXIT.failed;
  } catch (error) {
    out.stderr(`hangar inspect: cannot read ${file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  } finally {
    await reader.close();
  }
}

/** "inspecting... 42%" on a terminal; null elsewhere, so logs stay clean. */
export function terminalProgress(): ((fraction: number) => void) | null {
  if (!process.stderr.isTTY) return null;
  let shown = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent === shown) return;
    shown = percent;
    process.stderr.write(percent >= 100 ? "\r\x1b[K" : `\rinspecting... ${percent}%`);
  };
}

export function registerInspect(program: Command): void {
  const inspect = program
    .command("inspect")
    .description(
      "Check a disk image: its format, whether it is safe to take, whether its tables are intact, and whether the guest inside is ready for a KVM cloud (virtio, cloud-init, a clean generalized system). Exit 0 when accepted, 1 when rejected, 2 on a usage or I/O error.",
    )
    .argument("<file>", "the image file")
    .option("--quick", "decide from the first bytes only, as the browser does before an upload")
    .option("--no-guest", "check the format only, not the guest inside (virtio, cloud-init, hygiene)")
    .option("--max-virtual-size <bytes>", "reject disks larger than this (default 16 TiB)")
    .option("--direct-kernel-boot", "the cloud boots instances with its own kernel: a disk without a boot loader only warns (boot.loader)");
  addOutputOptions(inspect, "the report, as an image's report in the API").action(async (file: string, options: InspectCommandOptions, command: Command) => {
    const json = outputFormat(command) === "json";
    process.exitCode = await runInspect(
      file,
      { ...options, json },
      {
        stdout: (text) => process.stdout.write(text),
        stderr: (text) => process.stderr.write(text),
        progress: json ? null : terminalProgress(),
      },
    );
  });
}
