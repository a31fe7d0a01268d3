-- Families and versions (ordered by lib/catalog/version-order.ts, one version per key in a family and name scope),
-- GCP-like deprecation with a replacement and dates on which each state takes effect (lib/catalog/deprecation-schedule.ts).
-- Only added columns and an index: nothing existing is rewritten.
-- AlterTable
ALTER TABLE "Image" ADD COLUMN "deleteOn" DATETIME;
ALTER TABLE "Image" ADD COLUMN "deprecateOn" DATETIME;
ALTER TABLE "Image" ADD COLUMN "family" TEXT;
ALTER TABLE "Image" ADD COLUMN "obsoleteOn" DATETIME;
ALTER TABLE "Image" ADD COLUMN "replacement" TEXT;
ALTER TABLE "Image" ADD COLUMN "version" TEXT;
ALTER TABLE "Image" ADD COLUMN "versionKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Image_nameScope_family_versionKey_key" ON "Image"("nameScope", "family", "versionKey");

