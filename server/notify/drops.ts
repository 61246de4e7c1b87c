// "N files were dropped into your folder": one notice per burst of drops into an upload link.
// Each drop enqueues the job with the link's dedupe key, so drops within the batch window share
// one job; the job counts the drops since the link's previous notice.
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { enqueueJob, registerJobHandler } from "@/server/jobs/queue";
import { enqueueMail } from "@/server/mail/mail.service";
import { translate } from "@/server/i18n/messages";
import { createNotification, type NotificationData } from "@/server/notify/notify.service";

export const DROPS_JOB = "notify.drops";
/** How long drops are gathered before the owner hears of them. */
export const DROP_BATCH_SECONDS = 30;

export async function enqueueDropNotice(linkId: string): Promise<void> {
  await enqueueJob(DROPS_JOB, { linkId }, { runAt: new Date(Date.now() + DROP_BATCH_SECONDS * 1000), dedupeKey: `drops:${linkId}` });
}

export async function sendDropNotice(linkId: string): Promise<{ count: number }> {
  const prisma = await getPrisma();
  const link = await prisma.shareLink.findUnique({
    where: { id: linkId },
    include: { node: { select: { id: true, name: true } }, creator: { select: { id: true, email: true, locale: true } } },
  });
  if (!link) return { count: 0 };
  const last = await prisma.notification.findFirst({
    where: { userId: link.creatorId, kind: "drops", data: { path: ["linkId"], equals: linkId } },
    orderBy: { createdAt: "desc" },
  });
  const since = last ? new Date((last.data as { until: string }).until) : new Date(0);
  const drops = await prisma.auditEvent.findMany({ where: { action: "share.drop", targetId: linkId, at: { gt: since } }, orderBy: { at: "asc" } });
  if (!drops.length) return { count: 0 };
  const names = [...new Set(drops.map((d) => (d.data as { name?: string | null } | null)?.name).filter((n): n is string => !!n))].slice(0, 5);
  const data: NotificationData = {
    kind: "drops",
    item: link.node.name,
    folderId: link.node.id,
    linkId,
    count: drops.length,
    names,
    until: drops.at(-1)!.at.toISOString(),
  };
  const locale = link.creator.locale === "zh" ? "zh" : "en";
  const params = { count: drops.length, item: link.node.name };
  await prisma.$transaction(async (tx) => {
    await createNotification(tx, { userId: link.creatorId, data });
    await enqueueMail(
      {
        to: link.creator.email,
        subject: translate("mail.drops.subject", locale, params),
        text: translate("mail.drops.body", locale, {
          ...params,
          by: names.length ? translate("mail.drops.by", locale, { names: names.join(", ") }) : "",
          url: `${getEnv().baseUrl}/drive/${link.node.id}`,
        }),
      },
      tx,
    );
  });
  return { count: drops.length };
}

registerJobHandler(DROPS_JOB, async (payload: { linkId: string }) => sendDropNotice(payload.linkId));
