-- AlterTable
ALTER TABLE "Grant" ADD COLUMN     "groupId" TEXT,
ALTER COLUMN "granteeId" DROP NOT NULL;

-- A grant is to one person or to one group, never both or neither.
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_one_grantee_check" CHECK (("granteeId" IS NULL) <> ("groupId" IS NULL));

-- CreateIndex
CREATE INDEX "Grant_groupId_idx" ON "Grant"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "Grant_nodeId_groupId_key" ON "Grant"("nodeId", "groupId");

-- AddForeignKey
ALTER TABLE "Grant" ADD CONSTRAINT "Grant_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
