-- CreateTable
CREATE TABLE "SearchText" (
    "nodeId" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "text" TEXT NOT NULL DEFAULT '',
    "textBytes" INTEGER NOT NULL DEFAULT 0,
    "tsv" tsvector,
    "indexedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchText_pkey" PRIMARY KEY ("nodeId")
);

-- CreateIndex
CREATE INDEX "SearchText_tsv_idx" ON "SearchText" USING GIN ("tsv");

-- CreateIndex
CREATE INDEX "SearchText_status_idx" ON "SearchText"("status");

-- AddForeignKey
ALTER TABLE "SearchText" ADD CONSTRAINT "SearchText_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE CASCADE ON UPDATE CASCADE;
