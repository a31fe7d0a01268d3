-- Revocable sessions, sign-in throttling kept in the database (so that it holds across nodes), and image names
-- compared by a key: names that look the same (NFKC, case, spacing) collide on the unique index (nameScope, nameKey),
-- which also covers the platform catalog across admins.
-- DropIndex
DROP INDEX "Image_ownerId_visibility_name_key";

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "nameKey" TEXT COLLATE "C",
ADD COLUMN     "nameScope" TEXT COLLATE "C";

-- Written by hand, as the SQLite twin does it: existing names keyed by lower(), which under the "C" collation
-- covers ASCII as SQLite's does (names written from now on get lib/catalog/image-name.ts's full key), with
-- \ % _ stored as the private-use characters search matches them by.
UPDATE "Image" SET
    "nameKey" = replace(replace(replace(lower(trim("name")), '\', chr(57436)), '%', chr(57381)), '_', chr(57439)),
    "nameScope" = CASE WHEN "visibility" = 'platform' THEN 'platform' ELSE "ownerId" END;

-- Names that now count as the same were allowed before: the older image keeps the key, the others get their id
-- appended, so that the unique index holds and every existing image keeps its name.
UPDATE "Image" SET "nameKey" = "nameKey" || ' ' || "id"
WHERE EXISTS (SELECT 1 FROM "Image" AS "older" WHERE "older"."nameScope" = "Image"."nameScope"
  AND "older"."nameKey" = "Image"."nameKey" AND ("older"."createdAt" < "Image"."createdAt"
  OR ("older"."createdAt" = "Image"."createdAt" AND "older"."id" < "Image"."id")));

ALTER TABLE "Image" ALTER COLUMN "nameKey" SET NOT NULL,
ALTER COLUMN "nameScope" SET NOT NULL;

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT COLLATE "C" NOT NULL,
    "userId" TEXT COLLATE "C" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "authenticatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SignInThrottle" (
    "key" TEXT COLLATE "C" NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "blockedUntil" TIMESTAMP(3),
    "lastFailureAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SignInThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "SignInThrottle_lastFailureAt_idx" ON "SignInThrottle"("lastFailureAt");

-- CreateIndex
CREATE UNIQUE INDEX "Image_nameScope_nameKey_key" ON "Image"("nameScope", "nameKey");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
