-- CreateTable
CREATE TABLE "SiteSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedById" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SiteSetting_pkey" PRIMARY KEY ("key")
);

-- The two-factor policy moves from the internal Setting table to the site settings (stored as {"v": value}).
INSERT INTO "SiteSetting" ("key", "value", "updatedAt")
SELECT "key", jsonb_build_object('v', "value"), "updatedAt" FROM "Setting" WHERE "key" = 'twoFactorPolicy'
ON CONFLICT ("key") DO NOTHING;
DELETE FROM "Setting" WHERE "key" = 'twoFactorPolicy';
