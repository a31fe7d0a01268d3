import type { HangarProcess } from "../../lib/testing/hangar-process";

/**
 * Platform images named image-0000001 and on, with sizes, memory, formats and dates spread as a real catalog's are,
 * seeded in SQL (generate_series) on PostgreSQL, not through Prisma row by row.
 */
export async function seedPlatformImages(hangar: HangarProcess, count: number): Promise<void> {
  await hangar.db.$executeRawUnsafe(
    `INSERT INTO "Image" ("id", "name", "nameKey", "nameScope", "visibility", "createdById", "status", "diskFormat", "fileSize", "virtualSize",
       "minMemoryMiB", "osDistro", "sha256", "createdAt", "updatedAt")
     SELECT 'bench' || lpad(i::text, 8, '0'), 'image-' || lpad(i::text, 7, '0'), 'image-' || lpad(i::text, 7, '0'), 'platform', 'platform', $1, 'ready',
       (ARRAY['qcow2', 'raw', 'vmdk'])[i % 3 + 1], (i::bigint * 7919) % 100000000, (i::bigint * 7919) % 100000000,
       512 * (1 + i % 8), (ARRAY['debian', 'ubuntu', 'rhel'])[i % 3 + 1], md5(i::text) || md5((-i)::text),
       now() - make_interval(secs => i), now() - make_interval(secs => i)
     FROM generate_series(1, $2::int) AS i`,
    hangar.admin.id,
    count,
  );
  await hangar.db.$executeRawUnsafe(`ANALYZE "Image"`);
}
