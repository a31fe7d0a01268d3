-- Hangar stores names in Unicode: refuse a database whose encoding is not UTF8.
SELECT CAST('Hangar needs a PostgreSQL database in UTF8 encoding, this one is ' || current_setting('server_encoding') || ': create it with CREATE DATABASE ... ENCODING ''UTF8'' TEMPLATE template0' AS INTEGER)
WHERE current_setting('server_encoding') <> 'UTF8';

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT COLLATE "C" NOT NULL,
    "email" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "passwordHash" TEXT COLLATE "C" NOT NULL,
    "role" TEXT COLLATE "C" NOT NULL DEFAULT 'user',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "description" TEXT COLLATE "C" NOT NULL DEFAULT '',
    "visibility" TEXT COLLATE "C" NOT NULL,
    "ownerId" TEXT COLLATE "C" NOT NULL,
    "status" TEXT COLLATE "C" NOT NULL,
    "diskFormat" TEXT COLLATE "C",
    "fileSize" BIGINT NOT NULL DEFAULT 0,
    "virtualSize" BIGINT,
    "sha256" TEXT COLLATE "C",
    "minMemoryMiB" INTEGER,
    "minDiskGiB" INTEGER,
    "osType" TEXT COLLATE "C",
    "osDistro" TEXT COLLATE "C",
    "osVersion" TEXT COLLATE "C",
    "architecture" TEXT COLLATE "C",
    "firmware" TEXT COLLATE "C",
    "properties" TEXT COLLATE "C" NOT NULL DEFAULT '{}',
    "report" TEXT COLLATE "C",
    "storageKey" TEXT COLLATE "C",
    "validationProgress" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Image_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT COLLATE "C" NOT NULL,
    "userId" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "prefix" TEXT COLLATE "C" NOT NULL,
    "hash" TEXT COLLATE "C" NOT NULL,
    "expiresAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Upload" (
    "id" TEXT COLLATE "C" NOT NULL,
    "userId" TEXT COLLATE "C" NOT NULL,
    "imageId" TEXT COLLATE "C",
    "fileName" TEXT COLLATE "C" NOT NULL,
    "length" BIGINT NOT NULL,
    "offset" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastByteAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Upload_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Image_storageKey_key" ON "Image"("storageKey");

-- CreateIndex
CREATE INDEX "Image_visibility_status_name_idx" ON "Image"("visibility", "status", "name");

-- CreateIndex
CREATE INDEX "Image_visibility_updatedAt_idx" ON "Image"("visibility", "updatedAt");

-- CreateIndex
CREATE INDEX "Image_visibility_fileSize_idx" ON "Image"("visibility", "fileSize");

-- CreateIndex
CREATE INDEX "Image_visibility_minMemoryMiB_idx" ON "Image"("visibility", "minMemoryMiB");

-- CreateIndex
CREATE INDEX "Image_visibility_osDistro_idx" ON "Image"("visibility", "osDistro");

-- CreateIndex
CREATE INDEX "Image_visibility_diskFormat_idx" ON "Image"("visibility", "diskFormat");

-- CreateIndex
CREATE INDEX "Image_ownerId_visibility_name_idx" ON "Image"("ownerId", "visibility", "name");

-- CreateIndex
CREATE INDEX "Image_ownerId_visibility_updatedAt_idx" ON "Image"("ownerId", "visibility", "updatedAt");

-- CreateIndex
CREATE INDEX "Image_status_idx" ON "Image"("status");

-- CreateIndex
CREATE UNIQUE INDEX "Image_ownerId_visibility_name_key" ON "Image"("ownerId", "visibility", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "Upload_imageId_key" ON "Upload"("imageId");

-- CreateIndex
CREATE INDEX "Upload_userId_idx" ON "Upload"("userId");

-- CreateIndex
CREATE INDEX "Upload_lastByteAt_idx" ON "Upload"("lastByteAt");

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Upload" ADD CONSTRAINT "Upload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

