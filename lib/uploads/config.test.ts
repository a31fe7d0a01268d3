import { describe, expect, it } from "vitest";
import { DEFAULT_UPLOAD_CONFIG, GiB, uploadConfig } from "./config";

describe("upload configuration", () => {
  it("defaults to 400 GiB images, a 1 TiB quota, 24 h expiry", () => {
    expect(uploadConfig({})).toEqual(DEFAULT_UPLOAD_CONFIG);
    expect([DEFAULT_UPLOAD_CONFIG.maxImageSize, DEFAULT_UPLOAD_CONFIG.userQuota, DEFAULT_UPLOAD_CONFIG.expiryMs]).toEqual([
      400 * GiB,
      1024 * GiB,
      24 * 3_600_000,
    ]);
  });

  it("reads sizes and durations as people write them", () => {
    expect(
      uploadConfig({
        HANGAR_MAX_IMAGE_SIZE: "2TiB",
        HANGAR_USER_QUOTA: "500GB",
        HANGAR_UPLOAD_EXPIRY: "90m",
        HANGAR_UPLOAD_CLEANUP_INTERVAL: "30s",
        HANGAR_MIN_FREE_SPACE: "0",
      }),
    ).toEqual({
      maxImageSize: 2 * 1024 * GiB,
      userQuota: 500e9,
      expiryMs: 90 * 60_000,
      cleanupIntervalMs: 30_000,
      minFreeSpace: 0,
    });
    expect(uploadConfig({ HANGAR_USER_QUOTA: "none" }).userQuota).toBeNull();
    expect(uploadConfig({ HANGAR_USER_QUOTA: "unlimited" }).userQuota).toBeNull();
    expect(uploadConfig({ HANGAR_UPLOAD_EXPIRY: "2d" }).expiryMs).toBe(2 * 86_400_000);
  });

  it.each([
    ["HANGAR_MAX_IMAGE_SIZE", "lots"],
    ["HANGAR_MAX_IMAGE_SIZE", "0"],
    ["HANGAR_USER_QUOTA", "-5G"],
    ["HANGAR_UPLOAD_EXPIRY", "soon"],
    ["HANGAR_UPLOAD_EXPIRY", "12 weeks"],
  ])("stops on %s=%s, naming the variable", (name, value) => {
    expect(() => uploadConfig({ [name]: value })).toThrow(`${name}="${value}" is not`);
  });
});
