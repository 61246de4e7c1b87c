-- CreateTable
CREATE TABLE "ChangeEvent" (
    "seq" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "nodeId" TEXT NOT NULL,
    "nodeKind" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "actorId" TEXT,
    "shareLinkId" TEXT,
    "oldParentId" TEXT,
    "newParentId" TEXT,
    "oldName" TEXT,
    "newName" TEXT,
    "granteeId" TEXT,

    CONSTRAINT "ChangeEvent_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE INDEX "ChangeEvent_ownerId_seq_idx" ON "ChangeEvent"("ownerId", "seq");

-- CreateIndex
CREATE INDEX "ChangeEvent_createdAt_idx" ON "ChangeEvent"("createdAt");
