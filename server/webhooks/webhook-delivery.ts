import { createHmac, randomInt } from "node:crypto";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { logger } from "@/server/log/logger";
import { getMetrics } from "@/server/metrics/metrics";
import { ChangeVisibility, toChangeDto } from "@/server/changes/change-feed.service";
import { getChangeBus } from "@/server/events/change-bus";
import { createNotification } from "@/server/notify/notify.service";
import { enqueueJob, registerJobHandler } from "@/server/jobs/queue";
import { resolveTarget, TargetRefused } from "@/server/webhooks/address-guard";
import { postPinned, type PostResult } from "@/server/webhooks/http-post";
import { failSpan, SpanKind, traceHeaders, withSpan } from "@/server/tracing/spans";
import type { Span } from "@opentelemetry/api";
import { webhookSecretOf } from "@/server/webhooks/webhook-secret";
import type { Prisma, Webhook, ChangeEvent } from "@/server/db/generated/client.ts";

/** Setting row holding the last change seq fanned out to hooks (persisted: a restart resumes there). */
const CURSOR_KEY = "webhooks.fanoutCursor";
const FANOUT_BATCH = 500;
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Attempts before a delivery is given up and its hook marked failing. */
export const MAX_ATTEMPTS = 8;
/** Delay after the n-th failed attempt (n = 1…7): about 22 hours in all, before jitter. */
const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000, 3 * 3600_000, 6 * 3600_000, 12 * 3600_000];
const LEASE_MS = 60_000;

/** The delay before attempt n + 1, with ±20 % jitter so a recovering receiver is not hit by every hook at once. */
export function retryDelayMs(failedAttempts: number): number {
  const base = RETRY_DELAYS_MS[Math.min(failedAttempts, RETRY_DELAYS_MS.length) - 1]!;
  return Math.round(base * (0.8 + randomInt(0, 401) / 1000));
}

/** `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: what X-Yunpan-Signature carries. */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

async function readCursor(): Promise<bigint | null> {
  const prisma = await getPrisma();
  const row = await prisma.setting.findUnique({ where: { key: CURSOR_KEY } });
  return typeof row?.value === "string" ? BigInt(row.value) : null;
}

/**
 * Turns new changes into deliveries for every matching hook, decided with the change feed's own
 * visibility rules, read at fan-out time (a grantee whose grant is gone gets nothing more).
 * The cursor moves by compare-and-set, and (hook, seq) is unique, so two replicas never double up.
 */
export async function fanOutChanges(): Promise<number> {
  const prisma = await getPrisma();
  const stored = await readCursor();
  if (stored === null) {
    // The first run starts at the present: hooks hear about changes from now on, not the backlog.
    const [row] = await prisma.$queryRaw<{ seq: bigint | null }[]>`SELECT max(seq) AS seq FROM "ChangeEvent"`;
    await prisma.setting.createMany({ data: [{ key: CURSOR_KEY, value: (row?.seq ?? 0n).toString() }], skipDuplicates: true });
    return 0;
  }
  let cursor: bigint = stored;
  // With no hook that could hear a change (most servers), the pass used to read every change made
  // since the last one, 500 at a time with their payloads, to make no delivery. The cursor moves
  // straight to the newest change instead, which loses nothing: that seq is read
  // before the hooks are, so a hook made after the check came after those changes too, and a hook
  // hears only changes made after it was created.
  const [top] = await prisma.$queryRaw<{ seq: bigint | null }[]>`SELECT max(seq) AS seq FROM "ChangeEvent"`;
  const newest = top?.seq ?? 0n;
  if (newest <= cursor) return 0;
  if (!(await hookExists())) {
    await moveCursor(prisma, cursor, newest);
    return 0;
  }
  let created = 0;
  for (;;) {
    const events: ChangeEvent[] = await prisma.changeEvent.findMany({ where: { seq: { gt: cursor } }, orderBy: { seq: "asc" }, take: FANOUT_BATCH });
    if (events.length === 0) return created;
    const hooks = await prisma.webhook.findMany({ where: { state: { not: "DISABLED" } }, include: { owner: { select: { role: true, disabledAt: true, deletionRequestedAt: true } } } });
    const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
    for (const hook of hooks) {
      if (hook.owner.disabledAt || hook.owner.deletionRequestedAt) continue;
      if (hook.scope === "ADMIN" && hook.owner.role !== "ADMIN") continue; // no longer an admin: no admin stream
      // A hook hears changes made after it was created, not a backlog the fan-out had not reached yet.
      const wanted = events.filter((e) => hook.kinds.includes(e.kind) && e.createdAt >= hook.createdAt);
      if (wanted.length === 0) continue;
      const visibility = new ChangeVisibility({ userId: hook.ownerId, role: hook.owner.role, via: "token" }, hook.scope === "ADMIN" ? "admin" : "mine", hook.folderId ?? undefined);
      for (const e of await visibility.filter(wanted)) rows.push(deliveryRow(hook, e));
    }
    const next: bigint = events.at(-1)!.seq;
    const moved = await prisma.$transaction(async (tx) => {
      if (!(await moveCursor(tx, cursor, next))) return false; // another replica fanned this batch out
      if (rows.length) created += (await tx.webhookDelivery.createMany({ data: rows, skipDuplicates: true })).count;
      return true;
    });
    if (!moved) return created;
    cursor = next;
  }
}

/** Compare-and-set of the fan-out cursor: false when another replica moved it first. */
async function moveCursor(db: Prisma.TransactionClient, from: bigint, to: bigint): Promise<boolean> {
  const n = await db.$executeRaw`UPDATE "Setting" SET value = to_jsonb(${to.toString()}::text), "updatedAt" = now() WHERE key = ${CURSOR_KEY} AND value = to_jsonb(${from.toString()}::text)`;
  return n === 1;
}

function deliveryRow(hook: Webhook, e: ChangeEvent): Prisma.WebhookDeliveryCreateManyInput {
  return { hookId: hook.id, seq: e.seq, kind: e.kind, payload: { event: e.kind, hookId: hook.id, change: toChangeDto(e) } as unknown as Prisma.InputJsonValue, nextAttemptAt: new Date() };
}

export async function enqueueTestDelivery(hookId: string): Promise<string> {
  const prisma = await getPrisma();
  const row = await prisma.webhookDelivery.create({
    data: { hookId, kind: "ping", payload: { event: "ping", hookId, change: null }, nextAttemptAt: new Date() },
  });
  return row.id;
}

/** Claims due deliveries (SKIP LOCKED: replicas share them) with a lease; a crashed worker's lease lapses. */
async function claimDue(now: Date, limit: number): Promise<string[]> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "WebhookDelivery" SET "lockedUntil" = ${new Date(now.getTime() + LEASE_MS)}
     WHERE id IN (SELECT id FROM "WebhookDelivery"
                   WHERE status = 'PENDING' AND "nextAttemptAt" <= ${now}
                     AND ("lockedUntil" IS NULL OR "lockedUntil" < ${now})
                   ORDER BY "nextAttemptAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id`;
  return rows.map((r) => r.id);
}

export interface DeliverOptions {
  /** The clock: tests pass a later "now" to make retries due without sleeping. */
  now?: Date;
  timeoutMs?: number;
  limit?: number;
}

/** Attempts every due delivery once. Returns how many were attempted. */
export async function deliverDue(options: DeliverOptions = {}): Promise<number> {
  const now = options.now ?? new Date();
  const ids = await claimDue(now, options.limit ?? 50);
  await Promise.all(ids.map((id) => attempt(id, now, options.timeoutMs ?? DELIVERY_TIMEOUT_MS)));
  return ids.length;
}

/** One delivery attempt, in a span of its own whose traceparent the receiver gets. */
function attempt(id: string, now: Date, timeoutMs: number): Promise<void> {
  return withSpan("webhook delivery", { kind: SpanKind.PRODUCER, root: true, attributes: { "webhook.delivery_id": id } }, (span) => attemptInSpan(id, now, timeoutMs, span));
}

async function attemptInSpan(id: string, now: Date, timeoutMs: number, span: Span | null): Promise<void> {
  const prisma = await getPrisma();
  const d = await prisma.webhookDelivery.findUnique({ where: { id }, include: { hook: true } });
  if (!d) return;
  // The hook's id and event only: its URL may hold the receiver's own token.
  span?.setAttributes({ "webhook.id": d.hookId, "webhook.event": d.kind });
  const timestamp = Math.floor(now.getTime() / 1000).toString();
  const body = JSON.stringify({ id: d.id, ...(d.payload as object), attempt: d.attempts + 1, sentAt: new Date(now).toISOString() });
  let result: PostResult;
  try {
    const url = new URL(d.hook.url);
    const target = await resolveTarget(url, getEnv().webhookAllowPrivate);
    result = await postPinned(
      url,
      target,
      { ...traceHeaders(), "x-yunpan-event": d.kind, "x-yunpan-delivery": d.id, "x-yunpan-timestamp": timestamp, "x-yunpan-signature": signBody(webhookSecretOf(d.hook.secret), timestamp, body) },
      body,
      timeoutMs,
    );
  } catch (e) {
    result = { httpStatus: null, response: null, latencyMs: 0, error: e instanceof TargetRefused ? e.message : String((e as Error).message ?? e) };
  }
  const attempts = d.attempts + 1;
  const ok = result.httpStatus !== null && result.httpStatus >= 200 && result.httpStatus < 300;
  if (!ok && !result.error) result.error = `HTTP ${result.httpStatus}`;
  const final = !ok && attempts >= MAX_ATTEMPTS;
  if (span) {
    if (result.httpStatus !== null) span.setAttribute("http.response.status_code", result.httpStatus);
    if (!ok) failSpan(span, new Error(result.error ?? "failed"));
  }
  await prisma.webhookDelivery.update({
    where: { id },
    data: {
      attempts,
      httpStatus: result.httpStatus,
      latencyMs: result.latencyMs,
      response: result.response?.slice(0, 1024) ?? null,
      error: ok ? null : result.error?.slice(0, 500),
      status: ok ? "DELIVERED" : final ? "FAILED" : "PENDING",
      deliveredAt: ok ? new Date() : null,
      nextAttemptAt: ok || final ? null : new Date(now.getTime() + retryDelayMs(attempts)),
      lockedUntil: null,
    },
  });
  getMetrics().webhookDeliveries.inc({ outcome: ok ? "delivered" : final ? "failed" : "retry" });
  if (ok && d.hook.state === "FAILING") await prisma.webhook.updateMany({ where: { id: d.hookId, state: "FAILING" }, data: { state: "ACTIVE" } });
  if (final) await markFailing(d.hook, result.error ?? "");
}

/** After the last attempt: the hook is failing and its owner hears it once (not per delivery). */
async function markFailing(hook: Webhook, error: string): Promise<void> {
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.webhook.updateMany({ where: { id: hook.id, state: "ACTIVE" }, data: { state: "FAILING" } });
    if (count === 1) await createNotification(tx, { userId: hook.ownerId, data: { kind: "webhookFailing", hookId: hook.id, url: hook.url, error: error.slice(0, 200) } });
  });
}

/** One pass: fan out new changes, then attempt what is due. */
export async function runWebhooksOnce(options: DeliverOptions = {}): Promise<{ created: number; attempted: number }> {
  const created = await fanOutChanges();
  const attempted = await deliverDue(options);
  return { created, attempted };
}

const PUMP = "webhooks.pump";
registerJobHandler(PUMP, async () => runWebhooksOnce());

/** Asks the job queue for a pass soon (batched: one queued pass covers many changes). */
async function queuePass(): Promise<void> {
  await enqueueJob(PUMP, {}, { dedupeKey: PUMP });
}

export function kickWebhooks(): void {
  queuePass().catch((e: Error) => logger.warn({ err: e }, "webhook pump not queued"));
}

/**
 * Whether any hook could hear a change, remembered for a moment: without hooks (most servers) a
 * change costs no queued pass, which is several statements per upload on one PGlite connection.
 * Skipping loses nothing: a hook hears only changes made after it was created, and the periodic
 * pass fans out whatever a skipped kick left (a hook made on another replica within ANY_HOOK_MS).
 */
const ANY_HOOK_MS = 2000;
let anyHook: { value: boolean; at: number } | null = null;

/** Whether a hook that is not disabled exists, read now. */
async function hookExists(): Promise<boolean> {
  const prisma = await getPrisma();
  return (await prisma.webhook.findFirst({ where: { state: { not: "DISABLED" } }, select: { id: true } })) !== null;
}

async function anyActiveHook(): Promise<boolean> {
  if (anyHook && Date.now() - anyHook.at < ANY_HOOK_MS) return anyHook.value;
  const value = await hookExists();
  anyHook = { value, at: Date.now() };
  return value;
}

/** A hook was created or turned on here: the next change kicks a pass without waiting. */
export function forgetHookPresence(): void {
  anyHook = null;
}

/** A change committed anywhere (any replica, through the bus) queues a pass, when a hook could hear it. */
export async function onChangeCommitted(): Promise<void> {
  if (await anyActiveHook()) await queuePass();
}

export function startWebhookListener(): () => void {
  return getChangeBus().subscribe(() => {
    onChangeCommitted().catch((e: Error) => logger.warn({ err: e }, "webhook pump not queued"));
  });
}
