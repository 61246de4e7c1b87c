import { createHash, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestUser } from "@/server/test/factories";
import { completeUpload, createUploadSession } from "@/server/upload/upload.service";

const t = useTestDatabase();

test("an upload whose folder was trashed or purged meanwhile lands in the owner's root, never lost", async () => {
  const { actor } = await createTestUser();
  const api = callerFor(actor);
  for (const fate of ["trash", "purge"] as const) {
    const folder = await api.drive.createFolder({ name: `doomed-${fate}` });
    const id = randomBytes(16).toString("hex");
    const content = randomBytes(5000);
    await createUploadSession({ actor, uploadId: id, size: content.length, metadata: { filename: `late-${fate}.bin`, parentId: folder.id } });
    await api.drive.trash({ nodeIds: [folder.id] });
    if (fate === "purge") await api.drive.purge({ nodeIds: [folder.id] });
    const file = path.join(t.dataDir, "late", id);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    const node = await completeUpload({ uploadId: id, filePath: file, sha256: createHash("sha256").update(content).digest("hex"), size: content.length });
    const root = await api.drive.list({});
    expect(root.items.map((n) => n.id)).toContain(node.id);
    expect(node.name).toBe(`late-${fate}.bin`);
  }
});
