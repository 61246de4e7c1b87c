import { createServer, type AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createTestUser } from "@/server/test/factories";
import { startSmtpInbox, type ReceivedMail, type SmtpInbox } from "@/server/test/smtp-inbox";
import { mutateOverHttp } from "@/server/test/trpc-over-http";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { drainQueue } from "@/server/jobs/queue";
import { enqueueMail } from "@/server/mail/mail.service";
import { listSettings, reloadSettings, updateSettings } from "@/server/settings/settings.service";
import type { Actor } from "@/server/auth/actor";

const t = useTestDatabase();

// A real SMTP server on loopback that asks to sign in (user "mailer", password below).
const PASSWORD = "s3cret-smtp-pass";
let smtp: SmtpInbox;
let inbox: ReceivedMail[];
let port: number;

beforeAll(async () => {
  smtp = await startSmtpInbox({ user: "mailer", password: PASSWORD });
  ({ inbox, port } = smtp);
});
afterAll(async () => {
  await smtp.close();
});
beforeEach(async () => {
  inbox.length = 0;
  await t.prisma.siteSetting.deleteMany();
  await reloadSettings();
});

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const p = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return p;
}

async function adminWithSmtp(): Promise<{ actor: Actor; email: string }> {
  const { actor, user } = await createTestUser({ role: "ADMIN" });
  await updateSettings({
    actor,
    changes: { smtpHost: "127.0.0.1", smtpPort: port, smtpSecurity: "none", smtpUser: "mailer", smtpPassword: PASSWORD, mailFrom: "Acme Drive <drive@acme.test>" },
  });
  return { actor, email: user.email };
}

describe("SMTP in Admin → Settings", () => {
  test("queued mails go out through the stored SMTP server, signed in, from the stored sender", async () => {
    await adminWithSmtp();
    await enqueueMail({ to: "friend@example.test", subject: "Hello", text: "A file for you" });
    await drainQueue();
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ from: "drive@acme.test", to: ["friend@example.test"], user: "mailer" });
    expect(inbox[0]!.raw).toMatch(/^From: Acme Drive <drive@acme\.test>/m);
  });

  test("the password is stored sealed, listed masked and audited masked", async () => {
    const { actor } = await adminWithSmtp();
    const row = await t.prisma.siteSetting.findUniqueOrThrow({ where: { key: "smtpPassword" } });
    expect(JSON.stringify(row.value)).not.toContain(PASSWORD);
    const listed = (await listSettings({ actor })).find((s) => s.key === "smtpPassword");
    expect(listed).toMatchObject({ value: "••••••", secret: true });
    const audit = await t.prisma.auditEvent.findFirstOrThrow({ where: { action: "settings.changed", actorId: actor.userId } });
    expect(JSON.stringify(audit.data)).not.toContain(PASSWORD);
    expect((audit.data as { changes: unknown[] }).changes).toContainEqual({ key: "smtpPassword", old: null, new: "••••••" });
    // The mask sent back means "keep it"; the stored password still signs in.
    await updateSettings({ actor, changes: { smtpPassword: "••••••", smtpUser: "mailer" } });
    const sent = await mutateOverHttp(actor, "en", "admin.settings.sendTestMail", { draft: {} });
    expect(sent.status).toBe(200);
    expect(inbox.at(-1)?.user).toBe("mailer");
  });

  test("a test mail with the form's unsaved values arrives at the admin's own address; nothing is stored", async () => {
    const { actor, user } = await createTestUser({ role: "ADMIN" });
    const draft = { smtpHost: "127.0.0.1", smtpPort: port, smtpSecurity: "none", smtpUser: "mailer", smtpPassword: PASSWORD, mailFrom: "Yunpan <yunpan@acme.test>" };
    const sent = await mutateOverHttp(actor, "en", "admin.settings.sendTestMail", { draft });
    expect(sent).toMatchObject({ status: 200, data: { to: user.email } });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ from: "yunpan@acme.test", to: [user.email], user: "mailer" });
    expect(inbox[0]!.raw).toMatch(/^Subject: Test mail from Yunpan/m);
    expect(await t.prisma.siteSetting.count()).toBe(0);
  });

  test("a wrong port gives a plain error in English and Chinese, and the stored settings stay as they were", async () => {
    const { actor } = await adminWithSmtp();
    const before = await t.prisma.siteSetting.findMany({ orderBy: { key: "asc" } });
    const wrong = await closedPort();
    const en = await mutateOverHttp(actor, "en", "admin.settings.sendTestMail", { draft: { smtpPort: wrong } });
    expect(en.status).toBe(400);
    expect(en.error?.message).toBe(`Could not connect to 127.0.0.1:${wrong}: the connection was refused. Check the server and port.`);
    const zh = await mutateOverHttp(actor, "zh", "admin.settings.sendTestMail", { draft: { smtpPort: wrong } });
    expect(zh.error?.message).toBe(`无法连接 127.0.0.1:${wrong}：连接被拒绝。请检查服务器和端口。`);
    expect(inbox).toHaveLength(0);
    expect(await t.prisma.siteSetting.findMany({ orderBy: { key: "asc" } })).toEqual(before);
  });

  test("a wrong password: the server's refusal in plain words, never the password", async () => {
    const { actor } = await adminWithSmtp();
    const res = await mutateOverHttp(actor, "en", "admin.settings.sendTestMail", { draft: { smtpPassword: "not-the-password" } });
    expect(res.status).toBe(400);
    expect(res.error?.message).toMatch(/^The SMTP server refused the user name or password\. It said: 535 .*Invalid username or password/);
    expect(res.error?.message).not.toContain("not-the-password");
    expect(inbox).toHaveLength(0);
  });

  test("bad values in the form are field errors; no server at all says so", async () => {
    const { actor } = await createTestUser({ role: "ADMIN" });
    const bad = await mutateOverHttp(actor, "zh", "admin.settings.sendTestMail", { draft: { smtpHost: "smtp example", smtpPort: 70000, mailFrom: "x\r\nBcc: a@b.c" } });
    expect(bad.error?.data.fieldErrors).toEqual({
      smtpHost: "请输入主机名或 IP 地址，例如 smtp.example.com。",
      smtpPort: "请输入 1 到 65535 之间的整数。",
      mailFrom: "请输入邮箱地址，或名称加地址：Yunpan <drive@example.com>。",
    });
    const none = await mutateOverHttp(actor, "en", "admin.settings.sendTestMail", {});
    expect(none.error?.message).toBe("No SMTP server is set: enter its host first.");
  });

  test("SMTP_URL and MAIL_FROM win over the stored values, and fix them on the page", async () => {
    const { actor } = await createTestUser({ role: "ADMIN" });
    await updateSettings({ actor, changes: { smtpHost: "mail.invalid", smtpPort: await closedPort(), mailFrom: "Stored <stored@acme.test>" } });
    await withTestEnv({ SMTP_URL: `smtp://mailer:${PASSWORD}@127.0.0.1:${port}`, MAIL_FROM: "Env <env@acme.test>" }, async () => {
      const listed = await listSettings({ actor });
      expect(listed.find((s) => s.key === "smtpHost")).toMatchObject({ value: "127.0.0.1", fixedByEnv: true, env: "SMTP_URL" });
      expect(listed.find((s) => s.key === "smtpPassword")).toMatchObject({ value: "••••••", fixedByEnv: true });
      expect(listed.find((s) => s.key === "mailFrom")).toMatchObject({ value: "Env <env@acme.test>", fixedByEnv: true });
      await enqueueMail({ to: "friend@example.test", subject: "Hi", text: "env wins" });
      await drainQueue();
    });
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ from: "env@acme.test", user: "mailer" });
  });
});
