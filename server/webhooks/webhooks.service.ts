import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireAdmin } from "@/server/auth/auth.service";
import { requireNodeAccess } from "@/server/drive/access";
import { getEnv } from "@/server/env";
import { resolveTarget, TargetRefused } from "@/server/webhooks/address-guard";
import { createHookSchema, deliveriesSchema, hookIdSchema, listHooksSchema, MAX_HOOKS_PER_USER, redeliverSchema, updateHookSchema } from "@/server/webhooks/webhooks.schemas";
import { enqueueTestDelivery, forgetHookPresence, kickWebhooks } from "@/server/webhooks/webhook-delivery";
import { newWebhookSecret } from "@/server/webhooks/webhook-secret";
import type { Actor } from "@/server/auth/actor";
import type { Webhook, WebhookDelivery } from "@/server/db/generated/client.ts";

export interface WebhookDto {
  id: string;
  ownerId: string;
  ownerEmail?: string;
  scope: "OWN" | "ADMIN";
  url: string;
  kinds: string[];
  folderId: string | null;
  /** The filter folder's name for the list; null when there is no filter or the folder is gone. */
  folderName: string | null;
  state: "ACTIVE" | "FAILING" | "DISABLED";
  createdAt: Date;
  updatedAt: Date;
}

const toDto = (h: Webhook & { owner?: { email: string } }, folderName: string | null = null): WebhookDto => ({
  id: h.id,
  ownerId: h.ownerId,
  ownerEmail: h.owner?.email,
  scope: h.scope as WebhookDto["scope"],
  url: h.url,
  kinds: h.kinds,
  folderId: h.folderId,
  folderName,
  state: h.state as WebhookDto["state"],
  createdAt: h.createdAt,
  updatedAt: h.updatedAt,
});

export const toDeliveryDto = (d: WebhookDelivery) => ({
  id: d.id,
  seq: d.seq?.toString() ?? null,
  kind: d.kind,
  status: d.status as "PENDING" | "DELIVERED" | "FAILED",
  attempts: d.attempts,
  httpStatus: d.httpStatus,
  latencyMs: d.latencyMs,
  response: d.response,
  error: d.error,
  nextAttemptAt: d.status === "PENDING" ? d.nextAttemptAt : null,
  deliveredAt: d.deliveredAt,
  createdAt: d.createdAt,
});

/** The hook the caller may manage: their own, or any with `admin` (administrators). Anything else answers like a missing id. */
async function hookFor(actor: Actor, id: string, admin: boolean): Promise<Webhook> {
  if (admin) requireAdmin(actor);
  const prisma = await getPrisma();
  const hook = await prisma.webhook.findFirst({ where: admin ? { id } : { id, ownerId: actor.userId } });
  if (!hook) throw new AppError("NOT_FOUND", "webhooks.notFound");
  return hook;
}

/** Refuses a target the deliverer would refuse, so the mistake shows in the form, not later in the log. */
async function checkTarget(url: string): Promise<void> {
  try {
    await resolveTarget(new URL(url), getEnv().webhookAllowPrivate);
  } catch (e) {
    if (e instanceof TargetRefused && e.key === "webhooks.privateAddress") throw new AppError("BAD_REQUEST", e.key);
    // A host that does not resolve today may tomorrow: the delivery log will say why it fails.
  }
}

/** The filter folder must be one the owner can read (another user's folder answers like a missing one); returns its name. */
async function checkFolder(actor: Actor, folderId: string | null | undefined): Promise<string | null> {
  if (!folderId) return null;
  const node = await requireNodeAccess({ actor, nodeId: folderId, need: "read" });
  if (node.kind !== "FOLDER") throw new AppError("BAD_REQUEST", "node.notFolder");
  return node.name;
}

export async function listWebhooks(input: { actor: Actor; admin?: boolean }): Promise<WebhookDto[]> {
  const { admin } = listHooksSchema.parse(input);
  if (admin) requireAdmin(input.actor);
  const prisma = await getPrisma();
  const rows = await prisma.webhook.findMany({
    where: admin ? {} : { ownerId: input.actor.userId },
    orderBy: { createdAt: "asc" },
    include: { owner: { select: { email: true } } },
  });
  // Folder names for the whole list in one query; a purged folder simply stays unnamed.
  const folderIds = [...new Set(rows.flatMap((h) => (h.folderId ? [h.folderId] : [])))];
  const folders = folderIds.length ? await prisma.node.findMany({ where: { id: { in: folderIds }, trashedAt: null }, select: { id: true, name: true } }) : [];
  const names = new Map(folders.map((f) => [f.id, f.name]));
  return rows.map((h) => toDto(h, h.folderId ? (names.get(h.folderId) ?? null) : null));
}

/** Creates a hook; the secret is returned this once and never shown again. */
export async function createWebhook(input: { actor: Actor; url: string; kinds: string[]; folderId?: string | null; scope?: "OWN" | "ADMIN" }) {
  const data = createHookSchema.parse(input);
  if (data.scope === "ADMIN") requireAdmin(input.actor);
  const prisma = await getPrisma();
  if ((await prisma.webhook.count({ where: { ownerId: input.actor.userId } })) >= MAX_HOOKS_PER_USER) {
    throw new AppError("BAD_REQUEST", "webhooks.tooMany", { max: MAX_HOOKS_PER_USER });
  }
  const folderName = await checkFolder(input.actor, data.folderId);
  await checkTarget(data.url);
  const secret = newWebhookSecret();
  const hook = await prisma.webhook.create({
    data: { ownerId: input.actor.userId, scope: data.scope, url: data.url, kinds: [...new Set(data.kinds)], folderId: data.folderId ?? null, secret: secret.stored },
  });
  forgetHookPresence();
  return { hook: toDto(hook, folderName), secret: secret.shown };
}

export async function updateWebhook(input: { actor: Actor; id: string; url?: string; kinds?: string[]; folderId?: string | null; active?: boolean; admin?: boolean }) {
  const data = updateHookSchema.parse(input);
  const hook = await hookFor(input.actor, data.id, data.admin);
  if (data.url) await checkTarget(data.url);
  const folderName = data.folderId ? await checkFolder({ ...input.actor, userId: hook.ownerId }, data.folderId) : null;
  const prisma = await getPrisma();
  const updated = await prisma.webhook.update({
    where: { id: hook.id },
    data: {
      url: data.url,
      kinds: data.kinds ? [...new Set(data.kinds)] : undefined,
      folderId: data.folderId === undefined ? undefined : data.folderId,
      state: data.active === undefined ? undefined : data.active ? "ACTIVE" : "DISABLED",
    },
  });
  if (data.active) forgetHookPresence();
  return toDto(updated, folderName);
}

export async function deleteWebhook(input: { actor: Actor; id: string; admin?: boolean }) {
  const { id, admin } = hookIdSchema.parse(input);
  const hook = await hookFor(input.actor, id, admin);
  const prisma = await getPrisma();
  await prisma.webhook.delete({ where: { id: hook.id } });
  return { ok: true as const };
}

/** Queues a `ping` delivery now (signed like any other) and returns its id. */
export async function sendTestEvent(input: { actor: Actor; id: string; admin?: boolean }) {
  const { id, admin } = hookIdSchema.parse(input);
  const hook = await hookFor(input.actor, id, admin);
  const deliveryId = await enqueueTestDelivery(hook.id);
  kickWebhooks();
  return { deliveryId };
}

export async function listDeliveries(input: { actor: Actor; id: string; limit?: number; admin?: boolean }) {
  const { id, limit, admin } = deliveriesSchema.parse(input);
  const hook = await hookFor(input.actor, id, admin);
  const prisma = await getPrisma();
  const rows = await prisma.webhookDelivery.findMany({ where: { hookId: hook.id }, orderBy: { createdAt: "desc" }, take: limit });
  return rows.map(toDeliveryDto);
}

/** Sends a delivery again, with the same delivery id (receivers dedupe by it), as a fresh series of attempts. */
export async function redeliver(input: { actor: Actor; deliveryId: string; admin?: boolean }) {
  const { deliveryId, admin } = redeliverSchema.parse(input);
  if (admin) requireAdmin(input.actor);
  const prisma = await getPrisma();
  const delivery = await prisma.webhookDelivery.findFirst({ where: admin ? { id: deliveryId } : { id: deliveryId, hook: { ownerId: input.actor.userId } } });
  if (!delivery) throw new AppError("NOT_FOUND", "webhooks.deliveryNotFound");
  await prisma.webhookDelivery.update({
    where: { id: delivery.id },
    data: { status: "PENDING", attempts: 0, nextAttemptAt: new Date(), lockedUntil: null, error: null },
  });
  kickWebhooks();
  return { deliveryId: delivery.id };
}
