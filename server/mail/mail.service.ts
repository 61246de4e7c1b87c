import { getSettings } from "@/server/settings/settings.service";
import { smtpFieldsOf, smtpTargetOf, transportFor } from "@/server/mail/smtp-transport";
import { enqueueJob, registerJobHandler } from "@/server/jobs/queue";
import { logger } from "@/server/log/logger";
import { maskShareUrls } from "@/server/security/share-token";
import { openText, sealText } from "@/server/mail/mail-seal";
import type { PrismaClient } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client.ts";

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export const MAIL_JOB = "mail.send";

/**
 * Queues a mail; the queue's worker sends it (never inline, so a slow or absent SMTP server does
 * not slow down or fail the action). Pass the transaction of the change that causes the mail.
 */
export async function enqueueMail(mail: Mail, db?: PrismaClient | Prisma.TransactionClient): Promise<void> {
  await enqueueJob(MAIL_JOB, { to: mail.to, subject: mail.subject, sealed: sealText(mail.text) }, { maxAttempts: 8 }, db);
}

/**
 * Sends through the SMTP server of Admin → Settings (SMTP_URL and MAIL_FROM win), read at each
 * send so a change applies at once; without a server the mail goes to the log, share tokens masked.
 */
export async function deliverMail(mail: Mail): Promise<{ delivered: "smtp" | "log"; messageId?: string }> {
  const settings = await getSettings();
  const target = smtpTargetOf(smtpFieldsOf(settings));
  if (!target) {
    logger.info({ to: mail.to, subject: mail.subject, text: maskShareUrls(mail.text) }, "mail (no SMTP server set: written to the log)");
    return { delivered: "log" };
  }
  const info = await transportFor(target).sendMail({ from: settings.mailFrom, to: mail.to, subject: mail.subject, text: mail.text });
  return { delivered: "smtp", messageId: info.messageId };
}

registerJobHandler(MAIL_JOB, async (payload: { to: string; subject: string; sealed: string }) => {
  const result = await deliverMail({ to: payload.to, subject: payload.subject, text: openText(payload.sealed) });
  return { delivered: result.delivered, messageId: result.messageId ?? null };
});
