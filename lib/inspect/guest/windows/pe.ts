import { u16le, u32le } from "../../binary";

/** COFF machine types (the PE header's Machine field) and the architecture names GuestInfo uses. */
const MACHINES: Record<number, string> = { 0x8664: "x86_64", 0x014c: "i386", 0xaa64: "aarch64", 0x01c4: "armv7", 0x0200: "ia64" };

/** The architecture a PE image (an .exe, .sys or .dll) was built for, from its header; null when it is not a PE image. */
export function peArchitecture(head: Uint8Array): string | null {
  if (head.length < 0x40 || head[0] !== 0x4d || head[1] !== 0x5a) return null;
  const pe = u32le(head, 0x3c);
  if (pe + 6 > head.length || u32le(head, pe) !== 0x00004550) return null;
  return MACHINES[u16le(head, pe + 4)] ?? null;
}
