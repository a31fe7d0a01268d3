import { S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { DEFAULT_S3_STALL_TIMEOUT_MS, type S3Config } from "./s3-config";

/**
 * An S3 client for the configured store. Checksums only when an operation requires them: with the
 * SDK's default (a CRC on every upload), RGW answered a streamed UploadPart with
 * 411 MissingContentLength (docs/decisions.md, "S3 image store").
 */
export function createS3Client(config: S3Config): S3Client {
  return new S3Client(s3ClientConfig(config));
}

const CONNECT_TIMEOUT_MS = 10_000;

/** The SDK's settings for the configured store, for clients that libraries build themselves (@tus/s3-store). */
export function s3ClientConfig(config: S3Config): S3ClientConfig {
  return {
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    // socketTimeout is the SDK's idle limit (no byte either way); its requestTimeout would cut a long transfer that is still moving.
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, socketTimeout: config.stallTimeoutMs ?? DEFAULT_S3_STALL_TIMEOUT_MS },
  };
}
