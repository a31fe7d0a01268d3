-- AlterTable
ALTER TABLE "Image" ADD COLUMN "md5" TEXT;

-- CreateTable
CREATE TABLE "ImageTag" (
    "imageId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    PRIMARY KEY ("imageId", "tag"),
    CONSTRAINT "ImageTag_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "ImageTag_tag_idx" ON "ImageTag"("tag");
