import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { writeChecksumFiles } from "../../checksums/testing/checksum-files";

/** The files an import test serves, built from one guest disk by the tools distributions use. */
export const IMPORT_FILES = {
  plain: "disk.qcow2",
  gzip: "disk.qcow2.gz",
  xz: "disk.qcow2.xz",
  bzip2: "disk.qcow2.bz2",
  zstd: "disk.qcow2.zst",
  tar: "disk.tar",
  tarGz: "disk.tar.gz",
  ova: "appliance.ova",
  /** An OVA of a VM with two disks, which one image cannot hold. */
  ovaTwoDisks: "two-disks.ova",
  /** xz data under a name that says qcow2: recognised by its magic bytes. */
  misnamed: "really-xz.qcow2",
} as const;

/** The OVA's disk, as `qemu-img convert -O vmdk -o subformat=streamOptimized` writes it. */
export const OVA_DISK = "appliance-disk1.vmdk";

/**
 * Writes the import fixtures into `dir` from the QCOW2 `source` (compressed with gzip, xz, bzip2 and
 * zstd, packed with tar, an OVA with its descriptor and manifest, and one with two disks), and the checksum files of them all
 * (lib/checksums/testing: GNU SHA256SUMS and SHA512SUMS, BSD CHECKSUM clear-signed with gpg).
 */
export function writeImportFiles(dir: string, source: string): void {
  const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: dir, stdio: "pipe" });
  const disk = path.join(dir, IMPORT_FILES.plain);
  fs.copyFileSync(source, disk);
  const compress = (tool: string, args: string[], out: string) => fs.writeFileSync(path.join(dir, out), run(tool, [...args, "-c", IMPORT_FILES.plain]));
  compress("gzip", ["-6"], IMPORT_FILES.gzip);
  compress("xz", ["-3", "-T1"], IMPORT_FILES.xz);
  compress("bzip2", ["-9"], IMPORT_FILES.bzip2);
  compress("zstd", ["-q", "-3"], IMPORT_FILES.zstd);
  fs.copyFileSync(path.join(dir, IMPORT_FILES.xz), path.join(dir, IMPORT_FILES.misnamed));
  fs.writeFileSync(path.join(dir, "README.txt"), "An image packed as vendors do: a note before the disk.\n");
  run("tar", ["--format=ustar", "-cf", IMPORT_FILES.tar, "README.txt", IMPORT_FILES.plain]);
  run("tar", ["--format=ustar", "-czf", IMPORT_FILES.tarGz, "README.txt", IMPORT_FILES.plain]);
  run("qemu-img", ["convert", "-f", "qcow2", "-O", "vmdk", "-o", "subformat=streamOptimized", IMPORT_FILES.plain, OVA_DISK]);
  fs.writeFileSync(path.join(dir, "appliance.ovf"), `<?xml version="1.0"?>\n<Envelope><References><File ovf:href="${OVA_DISK}"/></References></Envelope>\n`);
  fs.writeFileSync(path.join(dir, "appliance.mf"), run("sha256sum", ["--tag", "appliance.ovf", OVA_DISK]));
  // An OVA is a tar whose descriptor comes first (DSP0243).
  run("tar", ["--format=ustar", "-cf", IMPORT_FILES.ova, "appliance.ovf", "appliance.mf", OVA_DISK]);
  fs.copyFileSync(path.join(dir, OVA_DISK), path.join(dir, "appliance-disk2.vmdk"));
  run("tar", ["--format=ustar", "-cf", IMPORT_FILES.ovaTwoDisks, "appliance.ovf", OVA_DISK, "appliance-disk2.vmdk"]);
  writeChecksumFiles(dir, Object.values(IMPORT_FILES));
}
