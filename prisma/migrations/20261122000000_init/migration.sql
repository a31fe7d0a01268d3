-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'user',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "visibility" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "diskFormat" TEXT,
    "fileSize" BIGINT NOT NULL DEFAULT 0,
    "virtualSize" BIGINT,
    "sha256" TEXT,
    "minMemoryMiB" INTEGER,
    "minDiskGiB" INTEGER,
    "osType" TEXT,
    "osDistro" TEXT,
    "osVersion" TEXT,
    "architecture" TEXT,
    "firmware" TEXT,
    "properties" TEXT NOT NULL DEFAULT '{}',
    "report" TEXT,
    "storageKey" TEXT,
    "validationProgress" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Image_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "expiresAt" DATETIME,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Upload" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "imageId" TEXT,
    "fileName" TEXT NOT NULL,
    "length" BIGINT NOT NULL,
    "offset" BIGINT NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastByteAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Upload_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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
