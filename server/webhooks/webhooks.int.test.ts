import http from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { callerFor, createTestFile, createTestUser } from "@/server/test/factories";
import { useTestDatabase, withTestEnv } from "@/server/test/test-db";
import { AppError } from "@/server/errors/app-error";
import { getPrisma } from "@/server/db/client";
import { translateIssue } from "@/server/i18n/issue";
import { isPrivateAddress } from "@/server/webhooks/address-guard";
import { deliverDue, fanOutChanges, MAX_ATTEMPTS, runWebhooksOnce } from "@/server/webhooks/webhook-delivery";
import { MAX_HOOKS_PER_USER } from "@/server/webhooks/webhooks.schemas";
import type { Locale } from "@/server/i18n/locale";

const t = useTestDatabase({ env: { WEBHOOK_ALLOW_PRIVATE: "true" } });

/** The README's recipe, verbatim in spirit: HMAC over `timestamp + "." + raw body`, compared in constant time. */
function verify(secret: string, headers: http.IncomingHttpHeaders, rawBody: string): boolean {
  const timestamp = headers["x-yunpan-timestamp"] as string;
  const expected = Buffer.from("sha256=" + createHmac("sha256", secret).update(timestamp + "." + rawBody).digest("hex"));
  const given = Buffer.from(String(headers["x-yunpan-signature"] ?? ""));
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real receiver on loopback; `answer` decides each response (null: never answer). */
function receiver(answer: (n: number) => number | null) {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      got.push({ headers: req.headers, body });
      const status = answer(got.length);
      if (status === null) return; // hang
      res.writeHead(status, { "content-type": "text/plain" }).end(status >= 300 ? "x".repeat(3000) : "thanks");
    });
  });
  return {
    got,
    server,
    start: () => new Promise<string>((r) => server.listen(0, "127.0.0.1", () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    stop: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

async function errorText(p: Promise<unknown>, locale: Locale): Promise<string> {
  const e = (await p.then(() => null, (x: { cause?: unknown }) => x)) as { cause?: unknown } | null;
  if (!e) throw new Error("expected a failure");
  if (e.cause instanceof AppError) return e.cause.localized(locale);
  if (e.cause instanceof ZodError) return translateIssue(e.cause.issues[0]!.message, locale);
  throw e;
}

/** Makes retries due without sleeping: the delivery clock jumps past the longest backoff. */
const later = (hours: number) => new Date(Date.now() + hours * 3600_000);

describe("webhooks", () => {
  const ok = receiver(() => 200);
  let okUrl = "";
  beforeAll(async () => {
    okUrl = await ok.start();
    await fanOutChanges(); // the fan-out cursor starts at the present
  });
  afterAll(() => ok.stop());

  it("with no hook, a pass moves the cursor past the changes; a hook made then hears the changes after it, and nothing before", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const before = await api.drive.createFolder({ name: "Before any hook" });
    expect(await runWebhooksOnce()).toEqual({ created: 0, attempted: 0 });
    const prisma = await getPrisma();
    const [top] = await prisma.$queryRaw<{ seq: bigint }[]>`SELECT max(seq) AS seq FROM "ChangeEvent"`;
    const cursor = await prisma.setting.findUniqueOrThrow({ where: { key: "webhooks.fanoutCursor" } });
    expect(cursor.value).toBe(top!.seq.toString());
    const { hook } = await api.webhooks.create({ url: okUrl, kinds: ["folder.created"] });
    const after = await api.drive.createFolder({ name: "After the hook" });
    const got = ok.got.length;
    await runWebhooksOnce();
    const bodies = ok.got.slice(got).map((r) => JSON.parse(r.body) as { change: { nodeId: string } });
    expect(bodies.map((b) => b.change.nodeId)).toEqual([after.id]);
    expect(bodies.map((b) => b.change.nodeId)).not.toContain(before.id);
    await api.webhooks.delete({ id: hook.id });
  });

  it("delivers a change signed per the README recipe, with the documented headers", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const { hook, secret } = await api.webhooks.create({ url: okUrl, kinds: ["folder.created"] });
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify(await api.webhooks.list({}))).not.toContain(secret);
    // Stored sealed: the database row alone does not reveal the signing secret.
    const stored = await (await getPrisma()).webhook.findUniqueOrThrow({ where: { id: hook.id } });
    expect(stored.secret).not.toContain(secret.slice("whsec_".length));
    expect(stored.secret).toMatch(/^v1\./);
    const folder = await api.drive.createFolder({ name: "Signed" });
    await createTestFile({ actor: owner.actor, name: "ignored.txt" }); // a kind the hook did not ask for
    const before = ok.got.length;
    await runWebhooksOnce();
    const mine = ok.got.slice(before);
    expect(mine).toHaveLength(1);
    const r = mine[0]!;
    expect(verify(secret, r.headers, r.body)).toBe(true);
    expect(verify(secret, r.headers, r.body + " ")).toBe(false);
    expect(r.headers["x-yunpan-event"]).toBe("folder.created");
    const body = JSON.parse(r.body);
    expect(body.change.nodeId).toBe(folder.id);
    expect(r.headers["x-yunpan-delivery"]).toBe(body.id);
    const [d] = await api.webhooks.deliveries({ id: hook.id });
    expect(d).toMatchObject({ status: "DELIVERED", attempts: 1, httpStatus: 200, response: "thanks" });
    expect(d!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("a receiver failing twice then succeeding gets it on attempt 3; a restart mid-retry loses nothing", async () => {
    const flaky = receiver((n) => (n <= 2 ? 503 : 200));
    const url = await flaky.start();
    try {
      const owner = await createTestUser();
      const api = callerFor(owner.actor);
      const { hook, secret } = await api.webhooks.create({ url, kinds: ["folder.created"] });
      await api.drive.createFolder({ name: "Retry" });
      await runWebhooksOnce();
      let [d] = await api.webhooks.deliveries({ id: hook.id });
      expect(d).toMatchObject({ status: "PENDING", attempts: 1, httpStatus: 503 });
      expect(d!.response!.length).toBe(1024); // first bytes only
      expect(d!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
      expect(await deliverDue()).toBe(0); // not due yet at the real clock
      // "Restart": nothing in memory is kept; a new pass reads the delivery from the database.
      await deliverDue({ now: later(1) });
      expect(await deliverDue({ now: later(48) })).toBe(1);
      [d] = await api.webhooks.deliveries({ id: hook.id });
      expect(d).toMatchObject({ status: "DELIVERED", attempts: 3, httpStatus: 200 });
      expect(flaky.got).toHaveLength(3);
      const ids = new Set(flaky.got.map((g) => g.headers["x-yunpan-delivery"]));
      expect(ids.size).toBe(1); // one delivery id across retries (idempotency)
      expect(flaky.got.every((g) => verify(secret, g.headers, g.body))).toBe(true);
    } finally {
      await flaky.stop();
    }
  });

  it("a receiver that never answers: failing after the last attempt, the owner notified, redeliver works", async () => {
    let hang = true;
    const silent = receiver(() => (hang ? null : 204));
    const url = await silent.start();
    try {
      const owner = await createTestUser();
      const api = callerFor(owner.actor);
      const { hook } = await api.webhooks.create({ url, kinds: ["folder.created"] });
      await api.drive.createFolder({ name: "Silent" });
      await fanOutChanges();
      for (let i = 1; i <= MAX_ATTEMPTS; i++) expect(await deliverDue({ now: later(30 * i), timeoutMs: 200 })).toBe(1);
      const [d] = await api.webhooks.deliveries({ id: hook.id });
      expect(d).toMatchObject({ status: "FAILED", attempts: MAX_ATTEMPTS, httpStatus: null });
      expect(d!.error).toMatch(/no answer/);
      expect((await api.webhooks.list({}))[0]!.state).toBe("FAILING");
      const notes = await api.notify.list({});
      expect(notes.items.map((n) => n.data)).toContainEqual(expect.objectContaining({ kind: "webhookFailing", hookId: hook.id }));

      hang = false;
      await api.webhooks.redeliver({ deliveryId: d!.id });
      expect(await deliverDue()).toBe(1);
      const [again] = await api.webhooks.deliveries({ id: hook.id });
      expect(again).toMatchObject({ id: d!.id, status: "DELIVERED", httpStatus: 204, attempts: 1 });
      expect((await api.webhooks.list({}))[0]!.state).toBe("ACTIVE");
    } finally {
      await silent.stop();
    }
  });

  it("send test event delivers a signed ping", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const { hook, secret } = await api.webhooks.create({ url: okUrl, kinds: ["node.renamed"] });
    const { deliveryId } = await api.webhooks.test({ id: hook.id });
    const before = ok.got.length;
    await deliverDue();
    const r = ok.got.slice(before).find((g) => g.headers["x-yunpan-delivery"] === deliveryId)!;
    expect(r.headers["x-yunpan-event"]).toBe("ping");
    expect(verify(secret, r.headers, r.body)).toBe(true);
  });

  it("another user's hook id answers exactly like a missing one", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const { hook } = await callerFor(owner.actor).webhooks.create({ url: okUrl, kinds: ["node.renamed"] });
    const api = callerFor(other.actor);
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const id of [hook.id, missing]) {
      expect(await errorText(api.webhooks.deliveries({ id }), "en")).toBe("This webhook does not exist.");
      expect(await errorText(api.webhooks.delete({ id }), "en")).toBe("This webhook does not exist.");
      expect(await errorText(api.webhooks.test({ id }), "en")).toBe("This webhook does not exist.");
    }
    expect(await errorText(api.webhooks.list({ admin: true }), "en")).toMatch(/administrators/);
    expect(await api.webhooks.list({})).toEqual([]);
  });

  it("a folder filter on another user's folder answers exactly like a missing folder; the list names the chosen folder", async () => {
    const owner = await createTestUser();
    const other = await createTestUser();
    const theirs = await callerFor(other.actor).drive.createFolder({ name: "Private" });
    const api = callerFor(owner.actor);
    const missing = "00000000-0000-4000-8000-000000000000";
    const mine = await api.drive.createFolder({ name: "Reports" });
    const { hook } = await api.webhooks.create({ url: okUrl, kinds: ["folder.created"], folderId: mine.id });
    expect(hook.folderName).toBe("Reports");
    for (const folderId of [theirs.id, missing]) {
      for (const locale of ["en", "zh"] as const) {
        expect(await errorText(api.webhooks.create({ url: okUrl, kinds: ["folder.created"], folderId }), locale), folderId).toBe(await errorText(api.webhooks.create({ url: okUrl, kinds: ["folder.created"], folderId: missing }), locale));
      }
      await expect(api.webhooks.update({ id: hook.id, folderId })).rejects.toMatchObject({ code: "NOT_FOUND" });
    }
    expect(await api.webhooks.list({})).toEqual([expect.objectContaining({ id: hook.id, folderId: mine.id, folderName: "Reports" })]);
  });

  it("a grantee's hook hears the shared folder, and nothing after the grant is removed; a folder filter keeps inside changes", async () => {
    const owner = await createTestUser();
    const grantee = await createTestUser();
    const api = callerFor(owner.actor);
    const shared = await api.drive.createFolder({ name: "Shared" });
    const grant = await api.share.grant({ nodeId: shared.id, email: grantee.user.email, role: "VIEWER" });
    const { hook } = await callerFor(grantee.actor).webhooks.create({ url: okUrl, kinds: ["folder.created"], folderId: shared.id });
    await api.drive.createFolder({ name: "Inside", parentId: shared.id });
    await api.drive.createFolder({ name: "Outside" });
    await runWebhooksOnce();
    let log = await callerFor(grantee.actor).webhooks.deliveries({ id: hook.id });
    expect(log.map((d) => d.kind)).toEqual(["folder.created"]);
    await api.share.revokeGrant({ grantId: grant.id });
    await api.drive.createFolder({ name: "After", parentId: shared.id });
    await runWebhooksOnce();
    log = await callerFor(grantee.actor).webhooks.deliveries({ id: hook.id });
    expect(log).toHaveLength(1);
  });

  it("private targets are refused without WEBHOOK_ALLOW_PRIVATE, at creation and at delivery", async () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "fd00::1", "fe80::1", "100.64.0.1", "224.0.0.1", "0.0.0.0", "::"])
      expect(isPrivateAddress(ip), ip).toBe(true);
    for (const ip of ["93.184.216.34", "2606:2800:220:1::1", "::ffff:93.184.216.34"]) expect(isPrivateAddress(ip), ip).toBe(false);

    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const { hook } = await api.webhooks.create({ url: okUrl, kinds: ["folder.created"] }); // made while allowed
    await withTestEnv({ WEBHOOK_ALLOW_PRIVATE: "false" }, async () => {
      for (const url of ["http://127.0.0.1/", "http://10.0.0.5/", "http://169.254.169.254/latest", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://localhost:9/"]) {
        expect(await errorText(api.webhooks.create({ url, kinds: ["folder.created"] }), "en"), url).toMatch(/private, loopback or link-local/);
      }
      expect(await errorText(api.webhooks.create({ url: "http://localhost/", kinds: ["folder.created"] }), "zh")).toMatch(/内网/);
      const before = ok.got.length;
      await api.drive.createFolder({ name: "Blocked" });
      await runWebhooksOnce();
      expect(ok.got.length).toBe(before); // never connected
      const [d] = await api.webhooks.deliveries({ id: hook.id });
      expect(d).toMatchObject({ status: "PENDING", attempts: 1, httpStatus: null });
      expect(d!.error).toMatch(/private, loopback or link-local/);
    });
  });

  it("bad input answers clear errors in en and zh", async () => {
    const owner = await createTestUser();
    const api = callerFor(owner.actor);
    const cases: [Promise<unknown>, Promise<unknown>, RegExp, RegExp][] = [
      [api.webhooks.create({ url: "ftp://example.com/", kinds: ["folder.created"] }), api.webhooks.create({ url: "ftp://example.com/", kinds: ["folder.created"] }), /http:\/\/ or https:\/\//, /网址/],
      [api.webhooks.create({ url: "file:///etc/passwd", kinds: ["folder.created"] }), api.webhooks.create({ url: "javascript:alert(1)", kinds: ["folder.created"] }), /http:\/\//, /网址/],
      [api.webhooks.create({ url: okUrl, kinds: ["node.exploded"] }), api.webhooks.create({ url: okUrl, kinds: ["node.exploded"] }), /event kinds/, /事件类型/],
    ];
    for (const [en, zh, enRe, zhRe] of cases) {
      expect(await errorText(en, "en")).toMatch(enRe);
      expect(await errorText(zh, "zh")).toMatch(zhRe);
    }
    for (let i = 0; i < MAX_HOOKS_PER_USER; i++) await api.webhooks.create({ url: okUrl, kinds: ["node.renamed"] });
    expect(await errorText(api.webhooks.create({ url: okUrl, kinds: ["node.renamed"] }), "en")).toBe(`You can have at most ${MAX_HOOKS_PER_USER} webhooks.`);
    expect(await errorText(api.webhooks.create({ url: okUrl, kinds: ["node.renamed"] }), "zh")).toBe(`最多只能创建 ${MAX_HOOKS_PER_USER} 个 Webhook。`);
    expect(await t.prisma.webhook.count({ where: { ownerId: owner.user.id } })).toBe(MAX_HOOKS_PER_USER);
  });
});
