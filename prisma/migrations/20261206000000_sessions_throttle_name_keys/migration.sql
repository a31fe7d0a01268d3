-- Revocable sessions, sign-in throttling kept in the database (so that it holds across nodes), and image names
-- compared by a key: names that look the same (NFKC, case, spacing) collide on the unique index (nameScope, nameKey),
-- which also covers the platform catalog across admins.
-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "authenticatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "SignInThrottle" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "blockedUntil" DATETIME,
    "lastFailureAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Image" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "nameScope" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "visibility" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
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
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Image_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Image" ("architecture", "createdAt", "declaredSha256", "description", "diskFormat", "fileSize", "firmware", "id", "minDiskGiB", "minMemoryMiB", "name", "osDistro", "osType", "osVersion", "ownerId", "properties", "report", "sha256", "sourceFileName", "status", "storageKey", "updatedAt", "validationProgress", "virtualSize", "visibility", "nameKey", "nameScope") SELECT "architecture", "createdAt", "declaredSha256", "description", "diskFormat", "fileSize", "firmware", "id", "minDiskGiB", "minMemoryMiB", "name", "osDistro", "osType", "osVersion", "ownerId", "properties", "report", "sha256", "sourceFileName", "status", "storageKey", "updatedAt", "validationProgress", "virtualSize", "visibility",
    -- Folded by SQLite's lower(), which covers ASCII; names written from now on get lib/catalog/image-name.ts's full key.
    replace(replace(replace(lower(trim("name")), '\', char(57436)), '%', char(57381)), '_', char(57439)),
    CASE WHEN "visibility" = 'platform' THEN 'platform' ELSE "ownerId" END
FROM "Image";
-- Names that now count as the same ("Debian" and "debian" of one owner, or one platform name of two admins) were
-- allowed before: the older image keeps the key, the others get their id appended, so that the unique index holds and
-- every existing image keeps its name. A new image cannot take any of these names.
UPDATE "new_Image" SET "nameKey" = "nameKey" || ' ' || "id"
WHERE EXISTS (SELECT 1 FROM "new_Image" AS "older" WHERE "older"."nameScope" = "new_Image"."nameScope"
  AND "older"."nameKey" = "new_Image"."nameKey" AND ("older"."createdAt" < "new_Image"."createdAt"
  OR ("older"."createdAt" = "new_Image"."createdAt" AND "older"."id" < "new_Image"."id")));
DROP TABLE "Image";
ALTER TABLE "new_Image" RENAME TO "Image";
CREATE UNIQUE INDEX "Image_storageKey_key" ON "Image"("storageKey");
CREATE INDEX "Image_visibility_status_name_idx" ON "Image"("visibility", "status", "name");
CREATE INDEX "Image_visibility_updatedAt_idx" ON "Image"("visibility", "updatedAt");
CREATE INDEX "Image_visibility_fileSize_idx" ON "Image"("visibility", "fileSize");
CREATE INDEX "Image_visibility_minMemoryMiB_idx" ON "Image"("visibility", "minMemoryMiB");
CREATE INDEX "Image_visibility_osDistro_idx" ON "Image"("visibility", "osDistro");
CREATE INDEX "Image_visibility_diskFormat_idx" ON "Image"("visibility", "diskFormat");
CREATE INDEX "Image_ownerId_visibility_name_idx" ON "Image"("ownerId", "visibility", "name");
CREATE INDEX "Image_ownerId_visibility_updatedAt_idx" ON "Image"("ownerId", "visibility", "updatedAt");
CREATE INDEX "Image_status_idx" ON "Image"("status");
CREATE UNIQUE INDEX "Image_nameScope_nameKey_key" ON "Image"("nameScope", "nameKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "SignInThrottle_lastFailureAt_idx" ON "SignInThrottle"("lastFailureAt");

