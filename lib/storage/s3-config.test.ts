import { describe, expect, it } from "vitest";
import { s3Config, s3Selected } from "./s3-config";

const base = { HANGAR_S3_BUCKET: "images", HANGAR_S3_ACCESS_KEY_ID: "AKID", HANGAR_S3_SECRET_ACCESS_KEY: "secret" };

describe("S3 configuration", () => {
  it("is selected by any HANGAR_S3_ variable, not by AWS credentials alone", () => {
    expect(s3Selected({})).toBe(false);
    expect(s3Selected({ AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y" })).toBe(false);
    expect(s3Selected({ HANGAR_S3_BUCKET: "images" })).toBe(true);
    expect(s3Selected({ HANGAR_S3_ENDPOINT: " " })).toBe(false);
  });

  it("reads a Ceph RGW's settings; path style by default with an endpoint", () => {
    expect(s3Config({ ...base, HANGAR_S3_ENDPOINT: "http://127.0.0.1:7480", HANGAR_S3_REGION: "default" })).toEqual({
      endpoint: "http://127.0.0.1:7480",
      bucket: "images",
      region: "default",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      forcePathStyle: true,
      stallTimeoutMs: 120_000,
    });
  });

  it("reads AWS S3's: no endpoint, host style, region and keys from the AWS_ names", () => {
    expect(s3Config({ HANGAR_S3_BUCKET: "images", AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret" })).toEqual({
      bucket: "images",
      region: "eu-west-1",
      accessKeyId: "AKID",
      secretAccessKey: "secret",
      forcePathStyle: false,
      stallTimeoutMs: 120_000,
    });
    expect(s3Config(base).region).toBe("us-east-1");
  });

  it("reads the stall timeout as a duration, and refuses one that is not", () => {
    expect(s3Config({ ...base, HANGAR_S3_STALL_TIMEOUT: "5m" }).stallTimeoutMs).toBe(300_000);
    expect(() => s3Config({ ...base, HANGAR_S3_STALL_TIMEOUT: "soon" })).toThrow('HANGAR_S3_STALL_TIMEOUT="soon" is not a duration such as 120s.');
  });

  it("prefers the HANGAR_S3_ names, and lets the path style be set either way", () => {
    const config = s3Config({ ...base, AWS_ACCESS_KEY_ID: "other", HANGAR_S3_ENDPOINT: "https://s3.example", HANGAR_S3_FORCE_PATH_STYLE: "false" });
    expect(config.accessKeyId).toBe("AKID");
    expect(config.forcePathStyle).toBe(false);
  });

  it("names every variable at fault in one message", () => {
    expect(() => s3Config({ HANGAR_S3_ENDPOINT: "rgw:7480", HANGAR_S3_BUCKET: "Images_1", HANGAR_S3_FORCE_PATH_STYLE: "yes" })).toThrow(
      /^S3 configuration: HANGAR_S3_ENDPOINT is not an http:\/\/ or https:\/\/ URL.* HANGAR_S3_BUCKET is not a bucket name .* HANGAR_S3_ACCESS_KEY_ID or AWS_ACCESS_KEY_ID is not set: the access key\. HANGAR_S3_SECRET_ACCESS_KEY or AWS_SECRET_ACCESS_KEY is not set: the secret key\. HANGAR_S3_FORCE_PATH_STYLE is true or false\.$/,
    );
    expect(() => s3Config({ HANGAR_S3_ENDPOINT: "http://127.0.0.1:7480" })).toThrow(/HANGAR_S3_BUCKET is not set: the bucket that holds the images/);
  });
});
