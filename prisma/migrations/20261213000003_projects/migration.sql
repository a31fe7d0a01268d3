-- Projects (issue 14): private images belong to a project (a user's personal one, or a team's) instead of
-- a user; members have a role in a project; images can be shared with another project or a user; API
-- tokens can be limited to one project and to a scope. Existing users get their personal project (with the
-- quota an administrator gave them), their private images move into it.
-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "personalUserId" TEXT,
    "quotaBytes" BIGINT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Project_personalUserId_fkey" FOREIGN KEY ("personalUserId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ProjectMember" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "source" TEXT NOT NULL DEFAULT 'manual',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ProjectMember_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ProjectMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImageShare" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "imageId" TEXT NOT NULL,
    "projectId" TEXT,
    "userId" TEXT,
    "createdById" TEXT,
    "status" TEXT NOT NULL DEFAULT 'accepted',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ImageShare_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageShare_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageShare_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ImageShare_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- Every existing user gets a personal project named after their email (emails are unique and stored
-- lowercased, so their keys are too: % _ \ map to private-use characters as lib/catalog/image-name.ts
-- does), with the quota an administrator set for them, and owns it. The ids are derived from the user's,
-- so that the images below find theirs.
INSERT INTO "Project" ("id", "name", "nameKey", "kind", "personalUserId", "quotaBytes", "createdAt")
SELECT 'personal-' || "id", "email",
    replace(replace(replace(lower(trim("email")), '\', char(57436)), '%', char(57381)), '_', char(57439)),
    'personal', "id", "personalQuotaBytes", "createdAt"
FROM "User";
INSERT INTO "ProjectMember" ("id", "projectId", "userId", "role", "source", "createdAt")
SELECT 'owner-' || "id", 'personal-' || "id", "id", 'owner', 'manual', "createdAt" FROM "User";

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" TEXT NOT NULL DEFAULT 'user',
    "disabledAt" DATETIME,
    "lastSignInAt" DATETIME,
    "authSource" TEXT NOT NULL DEFAULT 'local',
    "externalId" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_User" ("authSource", "createdAt", "disabledAt", "email", "externalId", "id", "lastSignInAt", "name", "passwordHash", "role") SELECT "authSource", "createdAt", "disabledAt", "email", "externalId", "id", "lastSignInAt", "name", "passwordHash", "role" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE UNIQUE INDEX "User_authSource_externalId_key" ON "User"("authSource", "externalId");
CREATE TABLE "new_Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "nameScope" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "visibility" TEXT NOT NULL,
    "projectId" TEXT,
    "createdById" TEXT,
    "status" TEXT NOT NULL,
    "diskFormat" TEXT,
    "fileSize" BIGINT NOT NULL DEFAULT 0,
    "virtualSize" BIGINT,
    "sha256" TEXT,
    "sourceFileName" TEXT,
    "declaredSha256" TEXT,
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
    "family" TEXT,
    "version" TEXT,
    "versionKey" TEXT,
    "replacement" TEXT,
    "deprecateOn" DATETIME,
    "obsoleteOn" DATETIME,
    "deleteOn" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Image_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Image_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
-- Private images move into their owner's personal project, which also becomes their name scope (names
-- were unique per owner, so they stay unique per project), and the owner is kept as who created them.
INSERT INTO "new_Image" ("architecture", "createdAt", "declaredSha256", "deleteOn", "deprecateOn", "description", "diskFormat", "family", "fileSize", "firmware", "id", "minDiskGiB", "minMemoryMiB", "name", "nameKey", "nameScope", "obsoleteOn", "osDistro", "osType", "osVersion", "properties", "replacement", "report", "sha256", "sourceFileName", "status", "storageKey", "updatedAt", "validationProgress", "version", "versionKey", "virtualSize", "visibility", "projectId", "createdById") SELECT "architecture", "createdAt", "declaredSha256", "deleteOn", "deprecateOn", "description", "diskFormat", "family", "fileSize", "firmware", "id", "minDiskGiB", "minMemoryMiB", "name", "nameKey", CASE WHEN "visibility" = 'platform' THEN 'platform' ELSE 'personal-' || "ownerId" END, "obsoleteOn", "osDistro", "osType", "osVersion", "properties", "replacement", "report", "sha256", "sourceFileName", "status", "storageKey", "updatedAt", "validationProgress", "version", "versionKey", "virtualSize", "visibility",
    CASE WHEN "visibility" = 'platform' THEN NULL ELSE 'personal-' || "ownerId" END,
    "ownerId"
FROM "Image";
DROP TABLE "Image";
ALTER TABLE "new_Image" RENAME TO "Image";
CREATE UNIQUE INDEX "Image_storageKey_key" ON "Image"("storageKey");
CREATE INDEX "Image_visibility_status_name_idx" ON "Image"("visibility", "status", "name");
CREATE INDEX "Image_visibility_updatedAt_idx" ON "Image"("visibility", "updatedAt");
CREATE INDEX "Image_visibility_fileSize_idx" ON "Image"("visibility", "fileSize");
CREATE INDEX "Image_visibility_minMemoryMiB_idx" ON "Image"("visibility", "minMemoryMiB");
CREATE INDEX "Image_visibility_osDistro_idx" ON "Image"("visibility", "osDistro");
CREATE INDEX "Image_visibility_diskFormat_idx" ON "Image"("visibility", "diskFormat");
CREATE INDEX "Image_projectId_name_idx" ON "Image"("projectId", "name");
CREATE INDEX "Image_projectId_updatedAt_idx" ON "Image"("projectId", "updatedAt");
CREATE INDEX "Image_createdById_idx" ON "Image"("createdById");
CREATE INDEX "Image_status_idx" ON "Image"("status");
CREATE UNIQUE INDEX "Image_nameScope_nameKey_key" ON "Image"("nameScope", "nameKey");
CREATE UNIQUE INDEX "Image_nameScope_family_versionKey_key" ON "Image"("nameScope", "family", "versionKey");
CREATE TABLE "new_ApiToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "expiresAt" DATETIME,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "projectId" TEXT,
    "scope" TEXT NOT NULL DEFAULT 'full',
    CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "ApiToken_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ApiToken" ("createdAt", "expiresAt", "hash", "id", "lastUsedAt", "name", "prefix", "revokedAt", "userId") SELECT "createdAt", "expiresAt", "hash", "id", "lastUsedAt", "name", "prefix", "revokedAt", "userId" FROM "ApiToken";
DROP TABLE "ApiToken";
ALTER TABLE "new_ApiToken" RENAME TO "ApiToken";
CREATE UNIQUE INDEX "ApiToken_hash_key" ON "ApiToken"("hash");
CREATE INDEX "ApiToken_userId_idx" ON "ApiToken"("userId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "Project_nameKey_key" ON "Project"("nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "Project_personalUserId_key" ON "Project"("personalUserId");

-- CreateIndex
CREATE INDEX "ProjectMember_userId_idx" ON "ProjectMember"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ProjectMember_projectId_userId_key" ON "ProjectMember"("projectId", "userId");

-- CreateIndex
CREATE INDEX "ImageShare_projectId_idx" ON "ImageShare"("projectId");

-- CreateIndex
CREATE INDEX "ImageShare_userId_idx" ON "ImageShare"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ImageShare_imageId_projectId_key" ON "ImageShare"("imageId", "projectId");

-- CreateIndex
CREATE UNIQUE INDEX "ImageShare_imageId_userId_key" ON "ImageShare"("imageId", "userId");
