-- CreateTable
CREATE TABLE "DavProperty" (
    "nodeId" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "DavProperty_pkey" PRIMARY KEY ("nodeId","namespace","name")
);

-- AddForeignKey
ALTER TABLE "DavProperty" ADD CONSTRAINT "DavProperty_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE CASCADE ON UPDATE CASCADE;
