-- CreateEnum
CREATE TYPE "AccountKind" AS ENUM ('PERSON', 'TEAM');

-- CreateEnum
CREATE TYPE "TeamRole" AS ENUM ('VIEWER', 'EDITOR', 'MANAGER');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "kind" "AccountKind" NOT NULL DEFAULT 'PERSON';

-- CreateTable
CREATE TABLE "TeamFolder" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamFolder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamFolderMember" (
    "id" TEXT NOT NULL,
    "teamFolderId" TEXT NOT NULL,
    "userId" TEXT,
    "groupId" TEXT,
    "role" "TeamRole" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamFolderMember_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "TeamFolder_nameKey_key" ON "TeamFolder"("nameKey");

-- CreateIndex
CREATE UNIQUE INDEX "TeamFolder_accountId_key" ON "TeamFolder"("accountId");

-- CreateIndex
CREATE INDEX "TeamFolderMember_userId_idx" ON "TeamFolderMember"("userId");

-- CreateIndex
CREATE INDEX "TeamFolderMember_groupId_idx" ON "TeamFolderMember"("groupId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamFolderMember_teamFolderId_userId_key" ON "TeamFolderMember"("teamFolderId", "userId");

-- CreateIndex
CREATE UNIQUE INDEX "TeamFolderMember_teamFolderId_groupId_key" ON "TeamFolderMember"("teamFolderId", "groupId");

-- AddForeignKey
ALTER TABLE "TeamFolder" ADD CONSTRAINT "TeamFolder_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamFolderMember" ADD CONSTRAINT "TeamFolderMember_teamFolderId_fkey" FOREIGN KEY ("teamFolderId") REFERENCES "TeamFolder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamFolderMember" ADD CONSTRAINT "TeamFolderMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamFolderMember" ADD CONSTRAINT "TeamFolderMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "Group"("id") ON DELETE CASCADE ON UPDATE CASCADE;
