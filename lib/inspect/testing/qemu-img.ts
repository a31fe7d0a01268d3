import { execFileSync, spawnSync } from "node:child_process";

/** Why qemu-img cannot be used here, or null when it can. */
export const qemuImgMissing: string | null = (() => {
  const probe = spawnSync("qemu-img", ["--version"], { stdio: "ignore" });
  return probe.error || probe.status !== 0 ? "qemu-img is not installed (Debian: qemu-utils)" : null;
})();
if (qemuImgMissing) console.warn(`SKIPPED qemu-img comparisons: ${qemuImgMissing}`);

export interface QemuInfo {
  format: string;
  "virtual-size": number;
  "backing-filename"?: string;
  encrypted?: boolean;
  "format-specific"?: { type: string; data?: { "data-file"?: string; "create-type"?: string } };
}

/** `qemu-img info --output=json`, or null when qemu-img refuses the file. */
export function qemuInfo(file: string, format?: string): QemuInfo | null {
  const args = ["info", "--output=json", ...(format ? ["-f", format] : []), file];
  const run = spawnSync("qemu-img", args, { encoding: "utf8" });
  return run.status === 0 ? (JSON.parse(run.stdout) as QemuInfo) : null;
}

/** The guest disk as qemu sees it: `qemu-img convert -O raw`. */
export function qemuConvertToRaw(file: string, out: string): void {
  execFileSync("qemu-img", ["convert", "-O", "raw", file, out]);
}
