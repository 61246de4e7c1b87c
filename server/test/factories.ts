// Small factories for integration tests: data is made through the real services, never inserted
// behind their back, so a test sees exactly what a user of the product would.
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { cliActor, type Actor } from "@/server/auth/actor";
import { createUser, type UserDto } from "@/server/auth/auth.service";
import { getEnv } from "@/server/env";
import { createCaller } from "@/server/runtime/trpc-router";
import type { Locale } from "@/server/i18n/messages";
import { completeUpload, createUploadSession } from "@/server/upload/upload.service";
import type { NodeDto } from "@/server/drive/drive.service";

export const TEST_PASSWORD = "correct horse battery staple";

/** A unique address per call, so tests in one file never collide. */
export const uniqueEmail = (label = "user") => `${label}-${randomUUID().slice(0, 8)}@example.com`;

/**
 * An account made the way an administrator makes one (createUser), so its role is the one asked
 * for whatever accounts exist already. `actor` is what a signed-in session of it would carry.
 */
export async function createTestUser(
  opts: { email?: string; password?: string; role?: "USER" | "ADMIN"; name?: string } = {},
): Promise<{ user: UserDto; actor: Actor; password: string }> {
  const password = opts.password ?? TEST_PASSWORD;
  const user = await createUser({
    actor: cliActor,
    email: opts.email ?? uniqueEmail(),
    name: opts.name,
    password,
    role: opts.role ?? "USER",
  });
  return { user, actor: { userId: user.id, role: user.role, via: "session" }, password };
}

/** The tRPC API as this actor (null = signed out) sees it, without HTTP. */
export function callerFor(actor: Actor | null, locale: Locale = "en") {
  return createCaller({ actor, locale, meta: {} });
}

/**
 * A file committed through the upload service (session, quota, blob, version), as a finished tus
 * upload would commit it, without going over HTTP.
 */
export async function createTestFile(input: {
  actor: Actor;
  name: string;
  parentId?: string | null;
  content?: Buffer | string;
  mimeType?: string;
}): Promise<NodeDto> {
  const content = Buffer.from(input.content ?? randomBytes(64));
  const uploadId = randomBytes(16).toString("hex");
  await createUploadSession({
    actor: input.actor,
    uploadId,
    size: content.length,
    metadata: { filename: input.name, parentId: input.parentId ?? null },
  });
  const dir = path.join(getEnv().dataDir, "factory-uploads");
  await mkdir(dir, { recursive: true });
  const filePath = path.join(dir, uploadId);
  await writeFile(filePath, content);
  const sha256 = createHash("sha256").update(content).digest("hex");
  return completeUpload({ uploadId, filePath, sha256, size: content.length, mimeType: input.mimeType });
}
