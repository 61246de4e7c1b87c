-- AlterTable
ALTER TABLE "QueuedJob" ADD COLUMN     "traceparent" TEXT;
