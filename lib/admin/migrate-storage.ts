import { type Command, Option } from "commander";
import { CliError, usageError } from "../cli/errors";
import { EXIT } from "../cli/exit-codes";
import { interruptSignal, interrupted } from "../cli/interrupt";
import { stdio } from "../cli/output";
import { openDb } from "../db/client";
import { engineOutage } from "../http/engine-outage";
import { migrateStorage, type MoveOutcome, type StorageDirection } from "../storage/migrate";
import { humanBytes } from "../units";
import { STORAGE_TARGETS, type StorageTarget, storageDirection } from "./stores";

const VERB: Record<MoveOutcome["kind"], string> = { copied: "copied", present: "already there", "would-copy": "would copy", failed: "FAILED" };

/** One line per image, as it is done: where the run is, and what happened to it. */
function progressLine(outcome: MoveOutcome, index: number, total: number): string {
  const { image } = outcome;
  const reason = outcome.kind === "failed" ? `: ${outcome.reason}` : "";
  return `[${index}/${total}] ${VERB[outcome.kind]} ${image.name} (${image.id}, ${humanBytes(image.size)})${reason}\n`;
}

/** Both stores as configured; an incomplete S3 configuration is the operator's to fix (exit 2), with the variables it lacks. */
function configuredDirection(to: StorageTarget): StorageDirection {
  try {
    return storageDirection(to);
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
}

export function registerMigrateStorageCommand(program: Command): void {
  program
    .command("migrate-storage")
    .description(
      "copy every image's bytes from the image directory to the S3 bucket (--to s3) or back (--to local), each checked against the catalog's size and SHA-256; run it again to resume",
    )
    .addOption(new Option("--to <store>", "where the bytes go").choices(STORAGE_TARGETS).makeOptionMandatory())
    .option("-n, --dry-run", "say what would be copied, and copy nothing")
    .action(async (options: { to: StorageTarget; dryRun?: boolean }) => {
      const direction = configuredDirection(options.to);
      const db = openDb();
      const signal = interruptSignal();
      try {
        const summary = await migrateStorage(db, direction, {
          dryRun: options.dryRun,
          signal,
          onImage: (outcome, index, total) => stdio.err(progressLine(outcome, index, total)),
        });
        const done = options.dryRun
          ? `dry run: ${summary.wouldCopy} image(s) to copy, ${summary.present} already there`
          : `${summary.copied} image(s) copied (${humanBytes(summary.bytes)}), ${summary.present} already there`;
        stdio.out(`${done}, ${summary.failed.length} failed\n`);
        if (signal.aborted) throw interrupted("migrate-storage: interrupted; run the same command again to go on where it stopped (the source is untouched).");
        if (summary.failed.length > 0)
          throw new CliError(EXIT.failed, `migrate-storage: ${summary.failed.length} image(s) not copied (listed above as FAILED); the source is untouched.`);
      } catch (error) {
        const outage = engineOutage(error);
        if (outage)
          throw new CliError(
            EXIT.unavailable,
            `migrate-storage: the ${outage.engine} does not answer; run the same command again when it does (nothing copied is lost).`,
          );
        throw error;
      } finally {
        await db.$disconnect();
      }
    });
}
