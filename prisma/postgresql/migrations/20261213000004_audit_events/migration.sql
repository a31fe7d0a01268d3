-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT COLLATE "C" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT COLLATE "C",
    "actorEmail" TEXT COLLATE "C",
    "via" TEXT COLLATE "C" NOT NULL,
    "viaId" TEXT COLLATE "C",
    "clientAddress" TEXT COLLATE "C",
    "action" TEXT COLLATE "C" NOT NULL,
    "objectType" TEXT COLLATE "C" NOT NULL,
    "objectId" TEXT COLLATE "C",
    "projectId" TEXT COLLATE "C",
    "before" TEXT COLLATE "C",
    "after" TEXT COLLATE "C",

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEvent_at_id_idx" ON "AuditEvent"("at", "id");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_objectType_objectId_idx" ON "AuditEvent"("objectType", "objectId");

-- CreateIndex
CREATE INDEX "AuditEvent_projectId_at_idx" ON "AuditEvent"("projectId", "at");
