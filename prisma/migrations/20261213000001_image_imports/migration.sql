-- Imports from a URL (lib/imports): progress, the file's validator for resuming, and how each ended.
-- CreateTable
CREATE TABLE "ImageImport" (
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "ImageImport_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageImport_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ImageImport_imageId_key" ON "ImageImport"("imageId");

-- CreateIndex
CREATE INDEX "ImageImport_userId_idx" ON "ImageImport"("userId");

-- CreateIndex
CREATE INDEX "ImageImport_status_idx" ON "ImageImport"("status");
