// Invitation mails of the sharing area, written in the recipient's language (their account's, or
// the sender's for an address with no account) and queued with the change that causes them.
import { getEnv } from "@/server/env";
import { enqueueMail } from "@/server/mail/mail.service";
import { translate, type Locale } from "@/server/i18n/messages";
import type { Prisma } from "@/server/db/generated/client.ts";

async function localeOf(tx: Prisma.TransactionClient, email: string, fallback: Locale): Promise<Locale> {
  const user = await tx.user.findUnique({ where: { email }, select: { locale: true } });
  return user?.locale === "zh" || user?.locale === "en" ? user.locale : fallback;
}

const asLocale = (s: string): Locale => (s === "zh" ? "zh" : "en");

export async function enqueueLinkInvitations(
  tx: Prisma.TransactionClient,
  input: { senderId: string; linkId: string; token: string; recipients: string[] },
) {
  const link = await tx.shareLink.findUniqueOrThrow({ where: { id: input.linkId }, include: { node: { select: { name: true } } } });
  const sender = await tx.user.findUniqueOrThrow({ where: { id: input.senderId }, select: { name: true, locale: true } });
  const url = `${getEnv().baseUrl}/s/${input.token}`;
  for (const to of new Set(input.recipients)) {
    const locale = await localeOf(tx, to, asLocale(sender.locale));
    const params = { name: sender.name, item: link.node.name };
    let note = "";
    if (link.passwordHash) note += translate("mail.invite.password", locale, params);
    if (link.expiresAt) note += translate("mail.invite.expires", locale, { at: link.expiresAt.toISOString().slice(0, 16).replace("T", " ") });
    await enqueueMail(
      { to, subject: translate("mail.invite.subject", locale, params), text: translate("mail.invite.body", locale, { ...params, url, note }) },
      tx,
    );
  }
}

export async function enqueueGrantMail(
  tx: Prisma.TransactionClient,
  input: { senderName: string; to: string; locale: string; itemName: string; nodeId: string; kind: "FILE" | "FOLDER"; role: "VIEWER" | "EDITOR" },
) {
  const locale = asLocale(input.locale);
  const url = `${getEnv().baseUrl}${input.kind === "FOLDER" ? `/drive/${input.nodeId}` : "/shared"}`;
  const params = { name: input.senderName, item: input.itemName };
  await enqueueMail(
    {
      to: input.to,
      subject: translate("mail.grant.subject", locale, params),
      text: translate("mail.grant.body", locale, { ...params, url, role: translate(`mail.role.${input.role}`, locale) }),
    },
    tx,
  );
}
