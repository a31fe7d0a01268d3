-- The image's disk apart from its container: the virtual-disk digest, and the original an upload was converted from.
-- CreateTable
CREATE TABLE "ImageDisk" (
    "imageId" TEXT COLLATE "C" NOT NULL,
    "digest" TEXT COLLATE "C",
    "originalFormat" TEXT COLLATE "C",
    "originalSubformat" TEXT COLLATE "C",
    "originalSize" BIGINT,
    "originalSha256" TEXT COLLATE "C",

    CONSTRAINT "ImageDisk_pkey" PRIMARY KEY ("imageId")
);

-- AddForeignKey
ALTER TABLE "ImageDisk" ADD CONSTRAINT "ImageDisk_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;
