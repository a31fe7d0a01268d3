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
    "staged" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "Upload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Upload_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Upload" ("createdAt", "fileName", "id", "imageId", "lastByteAt", "length", "metadata", "offset", "userId") SELECT "createdAt", "fileName", "id", "imageId", "lastByteAt", "length", "metadata", "offset", "userId" FROM "Upload";
DROP TABLE "Upload";
ALTER TABLE "new_Upload" RENAME TO "Upload";
CREATE UNIQUE INDEX "Upload_imageId_key" ON "Upload"("imageId");
CREATE INDEX "Upload_userId_idx" ON "Upload"("userId");
CREATE INDEX "Upload_lastByteAt_idx" ON "Upload"("lastByteAt");
CREATE TABLE "new_ImageImport" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "imageId" TEXT,
    "url" TEXT NOT NULL,
    "finalUrl" TEXT,
    "fileName" TEXT NOT NULL,
    "checksum" TEXT,
    "checksumUrl" TEXT,
    "status" TEXT NOT NULL,
    "message" TEXT,
    "received" BIGINT NOT NULL DEFAULT 0,
    "total" BIGINT,
    "validator" TEXT,
    "packing" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "keepsImage" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ImageImport_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageImport_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_ImageImport" ("attempts", "checksum", "checksumUrl", "createdAt", "fileName", "finalUrl", "id", "imageId", "message", "packing", "received", "status", "total", "updatedAt", "url", "userId", "validator") SELECT "attempts", "checksum", "checksumUrl", "createdAt", "fileName", "finalUrl", "id", "imageId", "message", "packing", "received", "status", "total", "updatedAt", "url", "userId", "validator" FROM "ImageImport";
DROP TABLE "ImageImport";
ALTER TABLE "new_ImageImport" RENAME TO "ImageImport";
CREATE UNIQUE INDEX "ImageImport_imageId_key" ON "ImageImport"("imageId");
CREATE INDEX "ImageImport_userId_idx" ON "ImageImport"("userId");
CREATE INDEX "ImageImport_status_idx" ON "ImageImport"("status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
