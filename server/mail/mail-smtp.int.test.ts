import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { startSmtpInbox, type ReceivedMail, type SmtpInbox } from "@/server/test/smtp-inbox";
import { setTestEnv, useTestDatabase } from "@/server/test/test-db";
import { drainQueue } from "@/server/jobs/queue";
import "@/server/notify/job-handlers";

const t = useTestDatabase();

// A real SMTP server on loopback: every mail the queue sends arrives here, raw.
let smtp: SmtpInbox;
let inbox: ReceivedMail[];
let http: HttpHarness;

beforeAll(async () => {
  smtp = await startSmtpInbox();
  inbox = smtp.inbox;
  setTestEnv({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: "Yunpan <yunpan@example.test>" });
  http = await startHttpHarness();
});
afterAll(async () => {
  await http?.close();
  await smtp?.close();
});

/** The text body of a single-part raw mail, decoded per its Content-Transfer-Encoding. */
function bodyOf(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const body = raw.slice(split).trim();
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(head)?.[1]?.toLowerCase();
  if (encoding === "base64") return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
  if (encoding === "quoted-printable") {
    const bytes: number[] = [];
    const soft = body.replace(/=\r?\n/g, "");
    for (let i = 0; i < soft.length; i++) {
      if (soft[i] === "=" && /^[0-9A-F]{2}$/.test(soft.slice(i + 1, i + 3))) {
        bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
        i += 2;
      } else bytes.push(...Buffer.from(soft[i]!, "utf8"));
    }
    return Buffer.from(bytes).toString("utf8");
  }
  return body;
}

describe("mail over SMTP", () => {
  it("sends a link invitation from the queue, and the link in it opens the shared file", async () => {
    const owner = await createTestUser({ name: "Olivia" });
    const folder = await callerFor(owner.actor).drive.createFolder({ name: "Photos" });
    const file = await createTestFile({ actor: owner.actor, parentId: folder.id, name: "beach.txt", content: "sand and sea" });
    const { token } = await callerFor(owner.actor).share.createLink({ nodeId: folder.id, permission: "DOWNLOAD", recipients: ["friend@example.test"] });
    // Queued, not sent inline; the queued row holds no readable token.
    expect(inbox).toHaveLength(0);
    const job = await t.prisma.queuedJob.findFirstOrThrow({ where: { kind: "mail.send" } });
    expect(JSON.stringify(job.payload)).not.toContain(token);

    await drainQueue();
    expect(inbox).toHaveLength(1);
    const mail = inbox[0]!;
    expect(mail.from).toBe("yunpan@example.test");
    expect(mail.to).toEqual(["friend@example.test"]);
    const body = bodyOf(mail.raw);
    expect(body).toContain("Olivia shared “Photos” with you");
    const url = /http:\/\/127\.0\.0\.1:3000\/s\/([A-Za-z0-9_-]{32})/.exec(body);
    expect(url?.[1]).toBe(token);

    // Follow the link from the mail: the file inside downloads byte for byte.
    const res = await fetch(`${http.baseUrl}/api/s/${url![1]}/files/${file.id}/content`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("sand and sea");
  });

  it("mails a teammate when a folder is shared with them, in their language, with a link that opens it", async () => {
    const owner = await createTestUser({ name: "Olivia" });
    const mate = await createTestUser({ name: "Tom" });
    await t.prisma.user.update({ where: { id: mate.user.id }, data: { locale: "zh" } });
    const folder = await callerFor(owner.actor).drive.createFolder({ name: "季度报告" });
    const before = inbox.length;
    await callerFor(owner.actor).share.grant({ nodeId: folder.id, email: mate.user.email, role: "EDITOR" });
    await drainQueue();
    expect(inbox).toHaveLength(before + 1);
    const mail = inbox.at(-1)!;
    expect(mail.to).toEqual([mate.user.email]);
    const body = bodyOf(mail.raw);
    expect(body).toContain("Olivia 在云盘上授予您“季度报告”的编辑权限");
    const path = /http:\/\/127\.0\.0\.1:3000(\/drive\/[0-9a-f-]{36})/.exec(body)![1]!;
    const listed = await callerFor(mate.actor).drive.list({ folderId: path.split("/").at(-1)! });
    expect(listed.folder.name).toBe("季度报告");
  });
});
