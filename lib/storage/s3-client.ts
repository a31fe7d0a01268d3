import { S3Client } from "@aws-sdk/client-s3";
import type { S3Config } from "./s3-config";

/**
 * An S3 client for the configured store. Checksums only when an operation requires them: with the
 * SDK's default (a CRC on every upload), RGW answered a streamed UploadPart with
 * 411 MissingContentLength (docs/decisions.md, "S3 image store").
 */
export function createS3Client(config: S3Config): S3Client {
  return new S3Client({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
}
