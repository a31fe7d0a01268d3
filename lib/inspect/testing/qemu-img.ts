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
  "full-backing-filename"?: string;
  encrypted?: boolean;
  "format-specific"?: { type: string; data?: { "data-file"?: string; "create-type"?: string; extents?: { filename?: string }[] } };
}

/** A hostile file must not hang a test either. */
const TIMEOUT_MS = 20_000;

/** Runs qemu-img; `ok` is false when it exits with an error (or is killed). */
export function qemuImg(args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const run = spawnSync("qemu-img", args, { encoding: "utf8", timeout: TIMEOUT_MS });
  // When qemu-img cannot be started, Node leaves stdout and stderr null, whatever its types say.
  const { stdout, stderr } = run as { stdout: string | null; stderr: string | null };
  return { ok: run.status === 0, stdout: stdout ?? "", stderr: stderr ?? "" };
}

/** `qemu-img info --output=json`, or null when qemu-img refuses the file. */
export function qemuInfo(file: string, format?: string): QemuInfo | null {
  const run = qemuImg(["info", "--output=json", ...(format ? ["-f", format] : []), file]);
  return run.ok ? (JSON.parse(run.stdout) as QemuInfo) : null;
}

/** The guest disk as qemu sees it: `qemu-img convert -O raw`. */
export function qemuConvertToRaw(file: string, out: string): void {
  execFileSync("qemu-img", ["convert", "-O", "raw", file, out]);
}
