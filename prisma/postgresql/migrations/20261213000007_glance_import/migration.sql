-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "staged" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "ImageImport" ADD COLUMN     "keepsImage" BOOLEAN NOT NULL DEFAULT false;
