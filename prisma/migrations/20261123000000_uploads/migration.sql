-- Uploads: the image an upload fills exists from creation (imageId required, deleted with it), the
-- client's Upload-Metadata is kept for HEAD, and the image keeps the name of its source file and the
-- SHA-256 the uploader declared, for validation.
-- AlterTable
ALTER TABLE "Image" ADD COLUMN "declaredSha256" TEXT;
ALTER TABLE "Image" ADD COLUMN "sourceFileName" TEXT;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Upload" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "imageId" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "metadata" TEXT NOT NULL DEFAULT '{}',
    "length" BIGINT NOT NULL,
    "offset" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastByteAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Upload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Upload_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Upload" ("createdAt", "fileName", "id", "imageId", "lastByteAt", "length", "offset", "userId") SELECT "createdAt", "fileName", "id", "imageId", "lastByteAt", "length", "offset", "userId" FROM "Upload" WHERE "imageId" IS NOT NULL;
DROP TABLE "Upload";
ALTER TABLE "new_Upload" RENAME TO "Upload";
CREATE UNIQUE INDEX "Upload_imageId_key" ON "Upload"("imageId");
CREATE INDEX "Upload_userId_idx" ON "Upload"("userId");
CREATE INDEX "Upload_lastByteAt_idx" ON "Upload"("lastByteAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
