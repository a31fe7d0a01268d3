import { createHash } from "node:crypto";
import { HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from "@aws-sdk/client-s3";
import { isNotFound } from "../storage/s3-store";
import { isNoSuchUpload, uploadParts } from "../uploads/s3-area";

/** One stored piece of an upload in progress: a part of its multipart upload, its tail object, or its completed object. */
interface Piece {
  name: string;
  size: number;
  etag: string;
}

async function objectPiece(client: S3Client, Bucket: string, Key: string): Promise<Piece | null> {
  try {
    const head = await client.send(new HeadObjectCommand({ Bucket, Key }));
    return { name: Key, size: head.ContentLength ?? 0, etag: head.ETag ?? "" };
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

/** The parts of the multipart upload at `Key`, or null when there is none (never begun, completed or aborted). */
async function partPieces(client: S3Client, Bucket: string, Key: string): Promise<Piece[] | null> {
  const listed = await client.send(new ListMultipartUploadsCommand({ Bucket, Prefix: Key }));
  const upload = (listed.Uploads ?? []).find((candidate) => candidate.Key === Key);
  if (!upload) return null;
  try {
    const parts = await uploadParts(client, Bucket, Key, upload.UploadId);
    return parts.map((part) => ({ name: `part ${part.PartNumber ?? 0}`, size: part.Size ?? 0, etag: part.ETag ?? "" }));
  } catch (error) {
    // Completed or aborted since it was listed: what it became is read next, from the objects.
    if (isNoSuchUpload(error)) return null;
    throw error;
  }
}

/**
 * What the bucket holds of upload `id` in @tus/s3-store's layout (lib/uploads/s3-area.ts): the parts of its multipart
 * upload and the `<id>.part` tail, or the completed `<id>` object; null when none of these nor `<id>.info` is there.
 * A multipart upload's parts cannot be read before it completes: their ETags (each part's MD5) stand for their bytes.
 */
export async function stagedInBucket(client: S3Client, bucket: string, id: string): Promise<{ size: number; fingerprint: string } | null> {
  const parts = await partPieces(client, bucket, id);
  const tail = await objectPiece(client, bucket, `${id}.part`);
  const complete = await objectPiece(client, bucket, id);
  const pieces = [...(parts ?? []), ...(tail ? [tail] : []), ...(complete ? [complete] : [])];
  if (parts === null && pieces.length === 0 && !(await objectPiece(client, bucket, `${id}.info`))) return null;
  // Once completed, the object holds what the parts held: counted once.
  const size = complete ? complete.size : pieces.reduce((sum, piece) => sum + piece.size, 0);
  const fingerprint = createHash("sha256")
    .update(pieces.map((piece) => `${piece.name} ${piece.size} ${piece.etag}`).join("\n"))
    .digest("hex");
  return { size, fingerprint };
}
