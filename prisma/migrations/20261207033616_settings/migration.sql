-- Configuration every node shares, read at start: the auth secret when NEXTAUTH_SECRET is not set (lib/auth/secret.ts).
-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL
);
