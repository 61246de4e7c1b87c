-- CreateEnum
CREATE TYPE "BlobIntegrity" AS ENUM ('VERIFIED', 'PENDING', 'QUARANTINED');

-- AlterTable
ALTER TABLE "Blob" ADD COLUMN     "claimedSha256" TEXT,
ADD COLUMN     "integrity" "BlobIntegrity" NOT NULL DEFAULT 'VERIFIED';
