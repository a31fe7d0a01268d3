import { describe, expect, it } from "vitest";
import { MemoryFileSystem } from "../testing/memory-fs";
import { GuestFs, MAX_SYMLINKS } from "./guest-fs";

const root = () =>
  new MemoryFileSystem({
    etc: {
      "os-release": { symlink: "../usr/lib/os-release" },
      passwd: "root:x:0:0::/root:/bin/bash\n",
      "machine-id": "",
      alternatives: { sh: { symlink: "/bin/dash" } },
      escape: { symlink: "../../../../../../etc/passwd" },
      hostpath: { symlink: "/etc/passwd" },
      loop1: { symlink: "loop2" },
      loop2: { symlink: "loop1" },
      self: { symlink: "." },
    },
    usr: { lib: { "os-release": 'ID=debian\nVERSION_ID="12"\n' }, bin: { dash: "ELF" } },
    bin: { symlink: "usr/bin" },
    boot: {},
  });

describe("GuestFs", () => {
  it("follows relative and absolute symlinks inside the guest", async () => {
    const guest = new GuestFs(root());
    expect(await guest.readText("/etc/os-release")).toContain("ID=debian");
    expect(await guest.realpath("/etc/alternatives/sh")).toBe("/usr/bin/dash");
    expect(await guest.readText("/bin/dash")).toBe("ELF");
  });

  it("keeps .. and absolute targets inside the guest root", async () => {
    const guest = new GuestFs(root());
    expect(await guest.realpath("/etc/escape")).toBe("/etc/passwd");
    expect(await guest.readText("/etc/hostpath")).toContain("root:x:0:0");
    expect(await guest.realpath("/../../etc/../etc/passwd")).toBe("/etc/passwd");
  });

  it("stops a symlink loop instead of hanging", async () => {
    const guest = new GuestFs(root());
    const found = await guest.resolve("/etc/loop1");
    expect(found).toMatchObject({ ok: false, reason: "symlink-loop" });
    expect(await guest.stat("/etc/loop1")).toBeNull();
    const deep = `/etc/${"self/".repeat(MAX_SYMLINKS + 1)}passwd`;
    expect(await guest.resolve(deep)).toMatchObject({ ok: false, reason: "symlink-loop" });
  });

  it("lstat does not follow the last link; readlink returns the target as stored", async () => {
    const guest = new GuestFs(root());
    expect((await guest.lstat("/etc/os-release"))?.type).toBe("symlink");
    expect((await guest.stat("/etc/os-release"))?.type).toBe("file");
    expect(await guest.readlink("/etc/os-release")).toBe("../usr/lib/os-release");
  });

  it("reports missing files and files used as directories", async () => {
    const guest = new GuestFs(root());
    expect(await guest.resolve("/etc/nothing")).toMatchObject({ ok: false, reason: "not-found", path: "/etc/nothing" });
    expect(await guest.resolve("/etc/passwd/x")).toMatchObject({ ok: false, reason: "not-a-directory" });
    expect(await guest.readFile("/etc")).toBeNull();
  });

  it("crosses into a mounted file system and back out with ..", async () => {
    const guest = new GuestFs(root());
    guest.mount("/boot", new MemoryFileSystem({ "vmlinuz-6.1.0-18-amd64": "kernel", grub: { "grub.cfg": "menuentry" } }));
    expect(await guest.readText("/boot/grub/grub.cfg")).toBe("menuentry");
    expect(await guest.realpath("/boot/grub/../../etc/passwd")).toBe("/etc/passwd");
    expect((await guest.readdir("/boot"))?.map((entry) => entry.name).sort()).toEqual(["grub", "vmlinuz-6.1.0-18-amd64"]);
  });

  it("reads large files piece by piece and refuses to load one above the bound", async () => {
    const big = new Uint8Array(10_000).map((_, i) => i & 0xff);
    const guest = new GuestFs(new MemoryFileSystem({ big }));
    const file = await guest.open("/big");
    expect(file?.size).toBe(10_000);
    expect(Array.from((await file?.read(9_998, 100)) ?? [])).toEqual([9_998 & 0xff, 9_999 & 0xff]);
    await expect(guest.readFile("/big", 1000)).rejects.toMatchObject({ code: "limit" });
  });
});
