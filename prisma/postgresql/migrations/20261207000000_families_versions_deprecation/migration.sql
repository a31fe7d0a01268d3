-- Families and versions (ordered by lib/catalog/version-order.ts, one version per key in a family and name scope),
-- GCP-like deprecation with a replacement and dates on which each state takes effect (lib/catalog/deprecation-schedule.ts).
-- Only added columns and an index: nothing existing is rewritten.
-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "deleteOn" TIMESTAMP(3),
ADD COLUMN     "deprecateOn" TIMESTAMP(3),
ADD COLUMN     "family" TEXT COLLATE "C",
ADD COLUMN     "obsoleteOn" TIMESTAMP(3),
ADD COLUMN     "replacement" TEXT COLLATE "C",
ADD COLUMN     "version" TEXT COLLATE "C",
ADD COLUMN     "versionKey" TEXT COLLATE "C";

-- CreateIndex
CREATE UNIQUE INDEX "Image_nameScope_family_versionKey_key" ON "Image"("nameScope", "family", "versionKey");
