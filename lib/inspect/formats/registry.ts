import type { FormatParser } from "../findings";
import type { ImageFormat } from "../report";
import { bochsParser, cloopParser, dmgParser, noParser, parallelsParser, qcowParser } from "./legacy";
import { luksParser } from "./luks";
import { iso9660Parser, udfParser } from "./optical";
import { qcow2Parser } from "./qcow2/analyse";
import { qedParser } from "./qed";
import { vdiParser } from "./vdi";
import { vhdParser } from "./vhd";
import { vhdxParser } from "./vhdx";
import { vmdkParser } from "./vmdk/analyse";

/** The formats a cloud on KVM boots directly and Hangar accepts. */
export const ACCEPTED_FORMATS: readonly ImageFormat[] = ["raw", "qcow2", "vmdk"];

export const WRAPPERS: readonly ImageFormat[] = ["gzip", "xz", "zstd", "bzip2", "zip", "tar"];

export interface FormatEntry {
  /** How people call it. */
  label: string;
  /** qemu's name for `qemu-img convert -f`, when qemu reads it. */
  qemu?: string;
  parser: FormatParser;
  /** qemu can make an image of this format read other files (backing files, data files, extents). */
  namesFiles?: true;
}

export const FORMATS: Record<ImageFormat, FormatEntry> = {
  raw: { label: "raw disk", qemu: "raw", parser: noParser },
  qcow2: { label: "QCOW2", qemu: "qcow2", parser: qcow2Parser, namesFiles: true },
  vmdk: { label: "VMDK", qemu: "vmdk", parser: vmdkParser, namesFiles: true },
  vhd: { label: "VHD (Virtual PC, Hyper-V, Azure)", qemu: "vpc", parser: vhdParser },
  vhdx: { label: "VHDX (Hyper-V)", qemu: "vhdx", parser: vhdxParser },
  vdi: { label: "VDI (VirtualBox)", qemu: "vdi", parser: vdiParser },
  qed: { label: "QED", qemu: "qed", parser: qedParser, namesFiles: true },
  qcow: { label: "QCOW version 1", qemu: "qcow", parser: qcowParser, namesFiles: true },
  parallels: { label: "Parallels", qemu: "parallels", parser: parallelsParser },
  bochs: { label: "Bochs", qemu: "bochs", parser: bochsParser },
  cloop: { label: "cloop", qemu: "cloop", parser: cloopParser },
  dmg: { label: "Apple disk image (DMG)", qemu: "dmg", parser: dmgParser },
  iso9660: { label: "ISO 9660", parser: iso9660Parser },
  udf: { label: "UDF", parser: udfParser },
  luks: { label: "LUKS-encrypted volume", parser: luksParser },
  gzip: { label: "gzip", parser: noParser },
  xz: { label: "xz", parser: noParser },
  zstd: { label: "zstd", parser: noParser },
  bzip2: { label: "bzip2", parser: noParser },
  zip: { label: "zip", parser: noParser },
  tar: { label: "tar", parser: noParser },
};
