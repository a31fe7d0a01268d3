import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { type BlockCacheOptions, type BlockCacheStats, blockCachedReader } from "./block-cache";
import type { StoreReader } from "./store";

export interface S3Reader extends StoreReader {
  readonly stats: BlockCacheStats;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Measured with a Debian guest's inspection (docs/benchmarks.md, "Inspection from S3"). */
export const S3_READ_CACHE: BlockCacheOptions = { blockSize: 32 * KiB, maxBlocks: 2048, bypassBytes: 4 * MiB, readahead: 1 * MiB };

/**
 * Random access to an S3 object through ranged GETs and a block cache, so the inspector reads an
 * image where it lies instead of downloading it. The size is taken once, at open, like a file's.
 */
/**
 * The store's refusal said in words: a HEAD's error has no body, and a ranged GET's may not either (an object removed
 * while read), so the SDK often names them UnknownError, which a report or log would then show.
 */
function storeError(error: unknown): Error {
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return new Error(status === 404 ? "its bytes are not in the store" : `the store answered ${status ?? String(error)} for its object`, { cause: error });
}

export async function openS3Reader(client: S3Client, bucket: string, key: string, options: BlockCacheOptions = S3_READ_CACHE): Promise<S3Reader> {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
    throw storeError(error);
  });
  const size = head.ContentLength ?? 0;
  // The version read is pinned: a replaced object fails the next read instead of mixing two images.
  const IfMatch = head.ETag;
  const reader = blockCachedReader(
    {
      size,
      async fetch(offset, length) {
        const range = new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${offset}-${offset + length - 1}`, IfMatch });
        const object = await client.send(range).catch((error: unknown) => {
          throw storeError(error);
        });
        if (!object.Body) throw new Error(`S3 sent no body for ${key} at ${offset}`);
        return object.Body.transformToByteArray();
      },
    },
    options,
  );
  return {
    size,
    stats: reader.stats,
    read: (offset, length) => reader.read(offset, length),
    fetched: () => reader.stats.bytesFetched,
    close: () => Promise.resolve(),
  };
}
