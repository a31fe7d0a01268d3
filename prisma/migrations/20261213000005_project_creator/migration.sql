-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT,
    "role" TEXT NOT NULL DEFAULT 'user',
    "projectCreator" BOOLEAN NOT NULL DEFAULT false,
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
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
