import { afterAll, describe, expect, it } from "vitest";
import { fileReader, recordingReader } from "@/lib/testing/file-reader";
import { fixtureFamily } from "@/lib/testing/fixtures";
import { GuestFs } from "../guest-fs";
import { openXfsFileSystem, type XfsFileSystem } from "./index";

// The XFS reader under GuestFs, as the guest checks use it: paths, symlinks that must stay inside
// the guest, mounts, and how little of the image one lookup reads.

const family = fixtureFamily("fs-xfs");
const readers: ReturnType<typeof fileReader>[] = [];
afterAll(() => readers.forEach((reader) => reader.close()));

/** The names make-tree.mjs gives directory entries. */
const entryName = (i: number) => `entry-${String(i).padStart(5, "0")}${"x".repeat(i % 13)}`;

async function guestOf(name: string) {
  const file = fileReader(family.file(`${name}.img`));
  readers.push(file);
  const reader = recordingReader(file);
  const xfs = (await openXfsFileSystem(reader)) as XfsFileSystem;
  return { guest: new GuestFs(xfs), reader, xfs };
}

describe.skipIf(family.skipped)("XFS through GuestFs", () => {
  it.each(["v5", "v4"])("%s.img: resolves relative, absolute, inline and remote symlinks inside the guest", async (name) => {
    const { guest } = await guestOf(name);
    expect(await guest.readText("/etc/os-release")).toContain('ID="rocky"');
    expect(await guest.readText("/symlinks/inline-relative")).toBe("hello from xfs\n");
    expect(await guest.readText("/symlinks/inline-absolute")).toBe("xfs-fixture\n");
    expect(await guest.realpath("/symlinks/remote-absolute")).toBe("/etc/hostname");
    expect(await guest.realpath("/symlinks/remote-relative")).toBe("/files/hello.txt");
    expect(await guest.realpath("/bin/tool")).toBe("/usr/bin/tool");
    expect((await guest.readdir("/symlinks/to-dir"))?.map((entry) => entry.name)).toContain("hello.txt");
    expect(await guest.realpath("/symlinks/absolute-dir/empty")).toBe("/files/empty");
  });

  it("keeps links that climb above the root or name host paths inside the guest", async () => {
    const { guest } = await guestOf("v5");
    expect(await guest.realpath("/symlinks/escape")).toBe("/etc/hostname");
    expect(await guest.readText("/symlinks/escape")).toBe("xfs-fixture\n");
    expect(await guest.readlink("/symlinks/dangling")).toBe("/nonexistent/nowhere");
    expect(await guest.resolve("/symlinks/dangling")).toEqual({ ok: false, reason: "not-found", path: "/nonexistent" });
    expect((await guest.resolve("/symlinks/remote-1000")).ok).toBe(false);
  });

  it("reports symlink loops instead of following them forever", async () => {
    const { guest } = await guestOf("v5");
    expect(await guest.resolve("/symlinks/loop-a")).toMatchObject({ ok: false, reason: "symlink-loop" });
    expect(await guest.resolve("/symlinks/self")).toMatchObject({ ok: false, reason: "symlink-loop" });
    expect(await guest.lstat("/symlinks/self")).toMatchObject({ type: "symlink", size: 4 });
  });

  it("reads another XFS file system mounted under the root", async () => {
    const { guest } = await guestOf("v5");
    const boot = (await guestOf("ci")).xfs;
    guest.mount("/boot", boot);
    expect(await guest.readText("/boot/etc/hostname")).toBe("xfs-fixture\n");
    expect(await guest.realpath("/boot/../etc/hostname")).toBe("/etc/hostname");
    expect((await guest.readdir("/boot/dirs/d500"))?.length).toBe(500);
  });

  it("looks up one name in a 20,000-entry directory by reading a few blocks, not the directory", async () => {
    const { guest, reader } = await guestOf("v5");
    const directorySize = (await guest.stat("/dirs/d20000"))?.size as number;
    const before = reader.bytesRead();
    expect(await guest.readText(`/dirs/d20000/${entryName(19940)}`)).toBe("entry 19940\n");
    const lookup = reader.bytesRead() - before;
    expect(directorySize).toBeGreaterThan(600_000);
    expect(lookup).toBeLessThan(64 * 1024);

    // A second name in the same directory reuses the cached index blocks.
    const again = reader.bytesRead();
    expect(await guest.exists(`/dirs/d20000/${entryName(997)}`)).toBe(true);
    expect(reader.bytesRead() - again).toBeLessThan(16 * 1024);
  });

  it("reads one byte of a large file without reading the file", async () => {
    const { guest, reader } = await guestOf("v5");
    const file = (await guest.open("/frag/btree-file")) as { size: number; read(offset: number, length: number): Promise<Uint8Array> };
    const before = reader.bytesRead();
    await file.read(Math.floor(file.size / 2), 1);
    expect(file.size).toBeGreaterThan(1_000_000);
    expect(reader.bytesRead() - before).toBeLessThan(32 * 1024);
  });
});
