-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "md5" TEXT COLLATE "C";

-- CreateTable
CREATE TABLE "ImageTag" (
    "imageId" TEXT COLLATE "C" NOT NULL,
    "tag" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "ImageTag_pkey" PRIMARY KEY ("imageId","tag")
);

-- CreateIndex
CREATE INDEX "ImageTag_tag_idx" ON "ImageTag"("tag");

-- AddForeignKey
ALTER TABLE "ImageTag" ADD CONSTRAINT "ImageTag_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;
