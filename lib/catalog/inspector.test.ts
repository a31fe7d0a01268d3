import { describe, expect, it } from "vitest";
import { fixtureFamily } from "../testing/fixtures";
import { directKernelBoot, inspectStoredFile } from "./inspector";

const guests = fixtureFamily("guests");

describe("the catalog's inspection", () => {
  it("reads the direct kernel boot setting from HANGAR_DIRECT_KERNEL_BOOT, off unless set", () => {
    expect(directKernelBoot({})).toBe(false);
    expect(directKernelBoot({ HANGAR_DIRECT_KERNEL_BOOT: "0" })).toBe(false);
    expect(directKernelBoot({ HANGAR_DIRECT_KERNEL_BOOT: "1" })).toBe(true);
    expect(directKernelBoot({ HANGAR_DIRECT_KERNEL_BOOT: " True " })).toBe(true);
  });

  it.skipIf(guests.skipped)("passes the setting to the inspector: a disk without a boot loader is rejected, or accepted with a warning", async () => {
    const file = guests.file("xfs-mbr-no-loader.qcow2");
    const loader = (report: Awaited<ReturnType<typeof inspectStoredFile>>) => report.checks.find((check) => check.id === "boot.loader");
    const off = await inspectStoredFile(file, "template.qcow2", undefined, {});
    expect(off.verdict).toBe("rejected");
    expect(loader(off)).toMatchObject({ status: "fail", code: "boot.loader_missing" });
    const on = await inspectStoredFile(file, "template.qcow2", undefined, { HANGAR_DIRECT_KERNEL_BOOT: "1" });
    expect(on.verdict).toBe("accepted");
    expect(loader(on)).toMatchObject({ status: "warn", code: "boot.loader_missing_direct_boot" });
  });
});
