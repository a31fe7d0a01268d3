-- Configuration every node shares, read at start: the auth secret when NEXTAUTH_SECRET is not set (lib/auth/secret.ts).
-- CreateTable
CREATE TABLE "Setting" (
    "key" TEXT COLLATE "C" NOT NULL,
    "value" TEXT COLLATE "C" NOT NULL,

    CONSTRAINT "Setting_pkey" PRIMARY KEY ("key")
);
