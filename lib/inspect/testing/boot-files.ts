import { gzipSync } from "fflate";

/** A gzip-compressed newc cpio archive of empty regular files, as an initramfs generator would write it. */
export function gzipInitramfs(paths: string[]): Uint8Array {
  const bytes: number[] = [];
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const add = (name: string, mode: number) => {
    const field = `${name}\0`;
    // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
    const header = ["070701", hex(1), hex(mode), hex(0), hex(0), hex(1), hex(0), hex(0), hex(0), hex(0), hex(0), hex(0), hex(field.length), hex(0)].join("");
    for (const c of header + field) bytes.push(c.charCodeAt(0));
    while (bytes.length % 4) bytes.push(0);
  };
  for (const path of paths) add(path, 0o100644);
  add("TRAILER!!!", 0);
  return gzipSync(new Uint8Array(bytes));
}

/**
 * The start of an x86 bzImage whose setup header announces `release`
 * ("HdrS" at 0x202, the version pointer at 0x20E), padded like a kernel so
 * the string is not at the end of the file.
 */
export function bzImage(release: string): Uint8Array {
  const image = new Uint8Array(0x1000);
  image.set([0x48, 0x64, 0x72, 0x53], 0x202);
  const pointer = 0x300;
  image[0x20e] = pointer & 0xff;
  image[0x20f] = pointer >> 8;
  image.set(new TextEncoder().encode(`${release} (builder@example) #1 SMP PREEMPT_DYNAMIC\0`), pointer + 0x200);
  return image;
}
