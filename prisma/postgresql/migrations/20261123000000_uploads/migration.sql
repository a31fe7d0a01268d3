-- Uploads: the image an upload fills exists from creation (imageId required, deleted with it), the
-- client's Upload-Metadata is kept for HEAD, and the image keeps the name of its source file and the
-- SHA-256 the uploader declared, for validation.
-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "declaredSha256" TEXT COLLATE "C",
ADD COLUMN     "sourceFileName" TEXT COLLATE "C";

-- AlterTable
ALTER TABLE "Upload" ADD COLUMN     "metadata" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
ALTER COLUMN "imageId" SET NOT NULL;

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

