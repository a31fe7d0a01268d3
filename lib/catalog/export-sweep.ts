import fs from "node:fs/promises";
import path from "node:path";
import { type Env, positive, readEnv } from "../env";
import { every } from "../periodic";
import { parseDuration, parseSize } from "../units";
import type { CatalogDeps } from "./deps";
import { EXPORT_NAMES } from "../convert/targets";
import { exportsDir } from "./export";

/** How much of a node's scratch directory kept exports may hold (README, "Conversion, the disk digest and export"). */
export interface ExportKeeping {
  /** An export not downloaded for this long is removed. */
  maxAgeMs: number;
  /** Beyond this many bytes of exports on a node, the least recently downloaded go first. */
  maxBytes: number;
}

export const DEFAULT_EXPORT_KEEPING: ExportKeeping = { maxAgeMs: 7 * 86_400_000, maxBytes: 50 * 1024 ** 3 };

/** How often each node sweeps its kept exports. */
export const EXPORT_SWEEP_INTERVAL_MS = 10 * 60_000;

/** A conversion's partial file not written to for this long was left by a crash (a running one writes continually). */
const STALE_PARTIAL_MS = 3_600_000;

/** Reads the bound; a malformed value stops the server with a message naming the variable. */
export function exportKeeping(env: Env = process.env): ExportKeeping {
  const d = DEFAULT_EXPORT_KEEPING;
  return {
    maxAgeMs: readEnv(env, "HANGAR_EXPORT_KEEP", positive(parseDuration), d.maxAgeMs, "a duration such as 7d"),
    maxBytes: readEnv(env, "HANGAR_EXPORT_MAX_SIZE", positive(parseSize), d.maxBytes, "a size such as 50GiB"),
  };
}

interface Kept {
  file: string;
  storageKey: string;
  size: number;
  /** Its last download (prepareExport touches a reused export). */
  usedAt: number;
}

/** What one sweep removed, by reason: the image's bytes are gone, unused too long, over the size bound, a crashed conversion's leftover. */
export interface Swept {
  orphaned: string[];
  expired: string[];
  evicted: string[];
  partial: string[];
}

/** The files of the exports directory, each with its storage key when it is a finished export; none when there is no directory. */
async function listExports(dir: string): Promise<{ kept: Kept[]; partial: { file: string; usedAt: number }[] }> {
  const names = await fs.readdir(dir).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  });
  const kept: Kept[] = [];
  const partial: { file: string; usedAt: number }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) continue;
    if (name.endsWith(".partial")) {
      partial.push({ file, usedAt: stat.mtimeMs });
      continue;
    }
    const exported = EXPORT_NAMES.find((suffix) => name.endsWith(`.${suffix}`));
    if (exported) kept.push({ file, storageKey: name.slice(0, -exported.length - 1), size: stat.size, usedAt: stat.mtimeMs });
  }
  return { kept, partial };
}

/**
 * One node's sweep of its own kept exports (lib/catalog/export.ts): the image's bytes are deleted on whichever node
 * took the request, which removes that node's exports only, so every node removes the exports whose storage key no
 * image holds any more; then those unused for `maxAgeMs`, then the least recently used beyond `maxBytes`.
 * A download already streaming a removed file keeps reading it (the open file outlives its name).
 */
export async function sweepExports(deps: CatalogDeps, keeping: ExportKeeping, now = Date.now()): Promise<Swept> {
  const { kept, partial } = await listExports(exportsDir(deps));
  const keys = [...new Set(kept.map((entry) => entry.storageKey))];
  const live = new Set(
    keys.length === 0
      ? []
      : (await deps.db.image.findMany({ where: { storageKey: { in: keys } }, select: { storageKey: true } })).map((image) => image.storageKey),
  );
  const swept: Swept = { orphaned: [], expired: [], evicted: [], partial: [] };
  const remove = async (file: string, reason: keyof Swept) => {
    await fs.rm(file, { force: true });
    swept[reason].push(path.basename(file));
  };
  let total = 0;
  const remaining: Kept[] = [];
  for (const entry of kept) {
    if (!live.has(entry.storageKey)) await remove(entry.file, "orphaned");
    else if (now - entry.usedAt > keeping.maxAgeMs) await remove(entry.file, "expired");
    else {
      remaining.push(entry);
      total += entry.size;
    }
  }
  // Least recently used first.
  remaining.sort((a, b) => a.usedAt - b.usedAt);
  for (const entry of remaining) {
    if (total <= keeping.maxBytes) break;
    await remove(entry.file, "evicted");
    total -= entry.size;
  }
  for (const entry of partial) if (now - entry.usedAt > STALE_PARTIAL_MS) await remove(entry.file, "partial");
  return swept;
}

/**
 * Sweeps this node's kept exports at start and every EXPORT_SWEEP_INTERVAL_MS. On every node, not the cluster's
 * leader only: each node's scratch directory is its own. Returns a function that stops it.
 */
export function startExportSweep(deps: CatalogDeps, keeping: ExportKeeping = exportKeeping()): () => Promise<void> {
  return every(EXPORT_SWEEP_INTERVAL_MS, "exports", async () => {
    const { orphaned, expired, evicted, partial } = await sweepExports(deps, keeping);
    if (!orphaned.length && !expired.length && !evicted.length && !partial.length) return null;
    return `removed ${orphaned.length} exports of deleted images, ${expired.length} unused, ${evicted.length} over the size bound, ${partial.length} left by a crash`;
  });
}
