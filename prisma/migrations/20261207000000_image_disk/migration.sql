-- The image's disk apart from its container: the virtual-disk digest, and the original an upload was converted from.
-- CreateTable
CREATE TABLE "ImageDisk" (
    "imageId" TEXT NOT NULL PRIMARY KEY,
    "digest" TEXT,
    "originalFormat" TEXT,
    "originalSubformat" TEXT,
    "originalSize" BIGINT,
    "originalSha256" TEXT,
    CONSTRAINT "ImageDisk_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

