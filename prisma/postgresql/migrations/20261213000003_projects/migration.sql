-- Projects (issue 14): private images belong to a project (a user's personal one, or a team's) instead of
-- a user, members have a role in a project, images can be shared with another project or a user, API
-- tokens can be limited to one project and to a scope. Existing users get their personal project (with the
-- quota an administrator gave them), their private images move into it.
-- CreateTable
CREATE TABLE "Project" (
    "id" TEXT COLLATE "C" NOT NULL,
    "name" TEXT COLLATE "C" NOT NULL,
    "nameKey" TEXT COLLATE "C" NOT NULL,
    "kind" TEXT COLLATE "C" NOT NULL,
    "personalUserId" TEXT COLLATE "C",
    "quotaBytes" BIGINT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProjectMember" (
    "id" TEXT COLLATE "C" NOT NULL,
    "projectId" TEXT COLLATE "C" NOT NULL,
    "userId" TEXT COLLATE "C" NOT NULL,
    "role" TEXT COLLATE "C" NOT NULL,
    "source" TEXT COLLATE "C" NOT NULL DEFAULT 'manual',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProjectMember_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ImageShare" (
    "id" TEXT COLLATE "C" NOT NULL,
    "imageId" TEXT COLLATE "C" NOT NULL,
    "projectId" TEXT COLLATE "C",
    "userId" TEXT COLLATE "C",
    "createdById" TEXT COLLATE "C",
    "status" TEXT COLLATE "C" NOT NULL DEFAULT 'accepted',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ImageShare_pkey" PRIMARY KEY ("id")
);

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

-- Every existing user gets a personal project named after their email (emails are unique and stored
-- lowercased, so their keys are too: % _ \ map to private-use characters as lib/catalog/image-name.ts
-- does), with the quota an administrator set for them, and owns it. The ids are derived from the user's,
-- so that the images below find theirs.
INSERT INTO "Project" ("id", "name", "nameKey", "kind", "personalUserId", "quotaBytes", "createdAt")
SELECT 'personal-' || "id", "email",
    replace(replace(replace(lower(trim("email")), '\', chr(57436)), '%', chr(57381)), '_', chr(57439)),
    'personal', "id", "personalQuotaBytes", "createdAt"
FROM "User";
INSERT INTO "ProjectMember" ("id", "projectId", "userId", "role", "source", "createdAt")
SELECT 'owner-' || "id", 'personal-' || "id", "id", 'owner', 'manual', "createdAt" FROM "User";

-- AlterTable
ALTER TABLE "Image" ADD COLUMN     "createdById" TEXT COLLATE "C",
ADD COLUMN     "projectId" TEXT COLLATE "C";

-- Private images move into their owner's personal project, which also becomes their name scope (names
-- were unique per owner, so they stay unique per project), and the owner is kept as who created them.
UPDATE "Image" SET "createdById" = "ownerId",
    "projectId" = CASE WHEN "visibility" = 'platform' THEN NULL ELSE 'personal-' || "ownerId" END,
    "nameScope" = CASE WHEN "visibility" = 'platform' THEN 'platform' ELSE 'personal-' || "ownerId" END;

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "projectId" TEXT COLLATE "C",
ADD COLUMN     "scope" TEXT COLLATE "C" NOT NULL DEFAULT 'full';

-- DropForeignKey
ALTER TABLE "Image" DROP CONSTRAINT "Image_ownerId_fkey";

-- DropIndex
DROP INDEX "Image_ownerId_visibility_updatedAt_idx";

-- DropIndex
DROP INDEX "Image_ownerId_visibility_name_idx";

-- AlterTable
ALTER TABLE "User" DROP COLUMN "personalQuotaBytes";

-- AlterTable
ALTER TABLE "Image" DROP COLUMN "ownerId";

-- CreateIndex
CREATE INDEX "Image_projectId_name_idx" ON "Image"("projectId", "name");

-- CreateIndex
CREATE INDEX "Image_projectId_updatedAt_idx" ON "Image"("projectId", "updatedAt");

-- CreateIndex
CREATE INDEX "Image_createdById_idx" ON "Image"("createdById");

-- AddForeignKey
ALTER TABLE "Project" ADD CONSTRAINT "Project_personalUserId_fkey" FOREIGN KEY ("personalUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectMember" ADD CONSTRAINT "ProjectMember_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectMember" ADD CONSTRAINT "ProjectMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageShare" ADD CONSTRAINT "ImageShare_imageId_fkey" FOREIGN KEY ("imageId") REFERENCES "Image"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageShare" ADD CONSTRAINT "ImageShare_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageShare" ADD CONSTRAINT "ImageShare_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImageShare" ADD CONSTRAINT "ImageShare_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Image" ADD CONSTRAINT "Image_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
