-- AlterTable
ALTER TABLE "UploadSession" ADD COLUMN     "partSize" INTEGER,
ADD COLUMN     "s3UploadId" TEXT;
