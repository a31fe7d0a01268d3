-- AlterTable
ALTER TABLE "User" ADD COLUMN     "authSource" TEXT COLLATE "C" NOT NULL DEFAULT 'local',
ADD COLUMN     "externalId" TEXT COLLATE "C";

-- CreateIndex
CREATE UNIQUE INDEX "User_authSource_externalId_key" ON "User"("authSource", "externalId");
