import { describe, expect, it } from "vitest";
import { virtioWinFolder } from "./fixes";
import { productOf, versionOf, type WindowsIdentity } from "./identity";
import { argumentOf, guestPathOf, programOf } from "./paths";
import { peArchitecture } from "./pe";

const identity = (fields: Partial<WindowsIdentity>): WindowsIdentity => ({
  productName: "Windows 10 Pro",
  editionId: "Professional",
  installationType: "Client",
  major: 10,
  minor: 0,
  build: 19045,
  ubr: 3803,
  displayVersion: "22H2",
  ...fields,
});

describe("Windows identity, paths and virtio-win folders", () => {
  it("Windows 11 keeps 'Windows 10' in ProductName; its build tells it apart; the version is what ver prints", () => {
    expect(productOf(identity({ build: 22631 }))).toBe("Windows 11 Pro");
    expect(productOf(identity({}))).toBe("Windows 10 Pro");
    expect(productOf(identity({ productName: "Windows Server 2025 Datacenter", installationType: "Server", build: 26100 }))).toBe(
      "Windows Server 2025 Datacenter",
    );
    expect(versionOf(identity({}))).toBe("10.0.19045.3803");
    expect(versionOf(identity({ major: 6, minor: 1, build: 7601, ubr: null }))).toBe("6.1.7601");
  });

  it("the virtio-win ISO folder of each release and architecture", () => {
    const cases: [Partial<WindowsIdentity>, string | null, string][] = [
      [{ installationType: "Server", build: 20348 }, "x86_64", "2k22\\amd64"],
      [{ installationType: "Server Core", build: 17763 }, "x86_64", "2k19\\amd64"],
      [{ installationType: "Server", build: 14393 }, "x86_64", "2k16\\amd64"],
      [{ installationType: "Server", build: 26100 }, "x86_64", "2k25\\amd64"],
      [{ installationType: "Server", build: 9600 }, "x86_64", "2k12R2\\amd64"],
      [{ build: 22631 }, "aarch64", "w11\\ARM64"],
      [{ build: 19045 }, "i386", "w10\\x86"],
      [{ build: 7601 }, "x86_64", "w7\\amd64"],
    ];
    for (const [fields, arch, folder] of cases) expect(virtioWinFolder(identity(fields), arch), folder).toBe(folder);
  });

  it("service image paths to guest paths: \\SystemRoot, System32\\ relative, %variables%, \\??\\, quoted programs with arguments", () => {
    expect(guestPathOf("\\SystemRoot\\System32\\drivers\\viostor.sys")).toBe("/Windows/System32/drivers/viostor.sys");
    expect(guestPathOf("System32\\drivers\\disk.sys")).toBe("/Windows/System32/drivers/disk.sys");
    expect(guestPathOf("%SystemRoot%\\system32\\svchost.exe")).toBe("/Windows/system32/svchost.exe");
    expect(guestPathOf("\\??\\C:\\Program Files\\x.exe")).toBe("/Program Files/x.exe");
    expect(guestPathOf("D:\\Apps\\x.exe")).toBeNull();
    expect(guestPathOf("\\\\server\\share\\x.exe")).toBeNull();
    const line = '"C:\\Program Files\\Cloudbase Solutions\\Cloudbase-Init\\bin\\OpenStackService.exe" cloudbase-init --config-file "C:\\x y\\c.conf"';
    expect(programOf(line)).toBe("C:\\Program Files\\Cloudbase Solutions\\Cloudbase-Init\\bin\\OpenStackService.exe");
    expect(programOf("C:\\Windows\\system32\\svchost.exe -k netsvcs -p")).toBe("C:\\Windows\\system32\\svchost.exe");
    expect(argumentOf(line, "--config-file")).toBe("C:\\x y\\c.conf");
    expect(argumentOf("x.exe --config-file=C:\\c.conf", "--config-file")).toBe("C:\\c.conf");
    expect(argumentOf("x.exe", "--config-file")).toBeNull();
  });

  it("the architecture from a PE header's machine field; not a PE image is null", () => {
    const pe = (machine: number) => {
      const bytes = new Uint8Array(0x100);
      bytes.set([0x4d, 0x5a]);
      new DataView(bytes.buffer).setUint32(0x3c, 0x80, true);
      bytes.set([0x50, 0x45, 0, 0], 0x80);
      new DataView(bytes.buffer).setUint16(0x84, machine, true);
      return bytes;
    };
    expect(peArchitecture(pe(0x8664))).toBe("x86_64");
    expect(peArchitecture(pe(0x014c))).toBe("i386");
    expect(peArchitecture(pe(0xaa64))).toBe("aarch64");
    expect(peArchitecture(pe(0x1234))).toBeNull();
    expect(peArchitecture(new Uint8Array(0x100))).toBeNull();
    const truncated = pe(0x8664);
    new DataView(truncated.buffer).setUint32(0x3c, 0xfff0, true);
    expect(peArchitecture(truncated)).toBeNull();
  });
});
