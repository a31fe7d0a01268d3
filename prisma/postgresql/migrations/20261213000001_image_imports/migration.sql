-- Imports from a URL (lib/imports): progress, the file's validator for resuming, and how each ended.
-- CreateTable
CREATE TABLE "ImageImport" (
    "id" TEXT COLLATE "C" NOT NULL,
    "userId" TEXT COLLATE "C" NOT NULL,
    "imageId" TEXT COLLATE "C",
    "url" TEXT COLLATE "C" NOT NULL,
    "finalUrl" TEXT COLLATE "C",
    "fileName" TEXT COLLATE "C" NOT NULL,
    "checksum" TEXT COLLATE "C",
    "checksumUrl" TEXT COLLATE "C",
    "status" TEXT COLLATE "C" NOT NULL,
    "message" TEXT COLLATE "C",
    "received" BIGINT NOT NULL DEFAULT 0,
    "total" BIGINT,
    "validator" TEXT COLLATE "C",
    "packing" TEXT COLLATE "C",
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImageImport_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ImageImport_imageId_key" ON "ImageImport"("imageId");

-- CreateIndex
CREATE INDEX "ImageImport_userId_idx" ON "ImageImport"("userId");

-- CreateIndex
CREATE INDEX "ImageImport_status_idx" ON "ImageImport"("status");

-- AddForeignKey
ALTER TABLE "ImageImport" ADD CONSTRAINT "ImageImport_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageImport" ADD CONSTRAINT "ImageImport_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE SET NULL ON UPDATE CASCADE;
