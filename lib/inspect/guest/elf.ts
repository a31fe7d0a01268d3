import type { GuestFs } from "../fs/guest-fs";

/** e_machine values (elf.h) and the names uname -m and libguestfs use for them. */
const MACHINES: Partial<Record<number, (is64: boolean, littleEndian: boolean) => string>> = {
  0x03: () => "i386",
  0x3e: () => "x86_64",
  0xb7: () => "aarch64",
  0x28: () => "arm",
  0x14: () => "ppc",
  0x15: (_, le) => (le ? "ppc64le" : "ppc64"),
  0x16: () => "s390x",
  0xf3: (is64) => (is64 ? "riscv64" : "riscv32"),
  0x08: (is64) => (is64 ? "mips64" : "mips"),
  0x102: () => "loongarch64",
};

/** The architecture an ELF header was built for, or null when the bytes are not an ELF header. */
export function elfArchitecture(header: Uint8Array): string | null {
  if (header.length < 20 || header[0] !== 0x7f || header[1] !== 0x45 || header[2] !== 0x4c || header[3] !== 0x46) return null;
  const elfClass = header[4];
  const data = header[5];
  if ((elfClass !== 1 && elfClass !== 2) || (data !== 1 && data !== 2)) return null;
  const littleEndian = data === 1;
  const machine = littleEndian ? header[18] | (header[19] << 8) : (header[18] << 8) | header[19];
  const name = MACHINES[machine];
  return name ? name(elfClass === 2, littleEndian) : `elf-machine-${machine}`;
}

/** Binaries every Linux root has; /bin may be a usrmerge link to /usr/bin, which GuestFs follows. */
export const ARCH_PROBES = ["/bin/sh", "/usr/bin/ls", "/bin/ls", "/usr/bin/env", "/sbin/init", "/lib/systemd/systemd"];

/** The guest's architecture from the ELF header of its shell (or another core binary), with the path read. */
export async function detectArchitecture(guest: GuestFs): Promise<{ arch: string; path: string } | null> {
  for (const path of ARCH_PROBES) {
    const file = await guest.open(path);
    if (!file) continue;
    const arch = elfArchitecture(await file.read(0, 64));
    if (arch) return { arch, path };
  }
  return null;
}
