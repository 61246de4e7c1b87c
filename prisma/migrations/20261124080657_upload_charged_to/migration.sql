-- AlterTable
ALTER TABLE "UploadSession" ADD COLUMN     "chargedToId" TEXT;

-- CreateIndex
CREATE INDEX "UploadSession_chargedToId_status_idx" ON "UploadSession"("chargedToId", "status");
