import { z } from "zod";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import type { Locale } from "@/server/i18n/locale";
import type { Actor } from "@/server/auth/actor";
import { getSettings } from "@/server/settings/settings.service";
import { SETTINGS, SMTP_SETTING_KEYS, type SiteSettings } from "@/server/settings/settings.schemas";
import { createTransport, describeSmtpError, smtpFieldsOf, smtpTargetOf, whereOf } from "@/server/mail/smtp-transport";

const TEXT = {
  en: {
    subject: "Test mail from {site}",
    body: "This is a test mail from {site}, sent from Admin → Settings.\n\nIf you can read it, mail is set up: share invitations and notices will arrive like this one.",
  },
  zh: {
    subject: "来自 {site} 的测试邮件",
    body: "这是一封来自 {site} 的测试邮件，由“管理 → 设置”发送。\n\n能看到这封邮件说明邮件已配置好：分享邀请和通知会像这样送达。",
  },
} satisfies Record<Locale, { subject: string; body: string }>;

/**
 * Sends a test mail to the admin's own address with the SMTP settings as the form holds them
 * (unsaved values over the stored ones; the environment still wins), and stores nothing. A failure
 * comes back as the SMTP server's problem in plain words.
 */
export async function sendTestMail(input: { actor: Actor; locale: Locale; draft?: Record<string, unknown> }): Promise<{ to: string }> {
  if (input.actor.role !== "ADMIN") throw new AppError("FORBIDDEN", "auth.adminOnly");
  const prisma = await getPrisma();
  const me = await prisma.user.findUnique({ where: { id: input.actor.userId }, select: { email: true } });
  if (!me) throw new AppError("NOT_FOUND", "user.notFound");

  const env = getEnv();
  const draft: Record<string, unknown> = {};
  for (const key of SMTP_SETTING_KEYS) {
    if (!input.draft || !Object.hasOwn(input.draft, key) || env.setVars.has(SETTINGS[key].env)) continue;
    const value = input.draft[key];
    // A secret the form did not retype (undefined, or the mask) keeps its stored value.
    if (SETTINGS[key].secret && (value === undefined || (typeof value === "string" && value.startsWith("••")))) continue;
    draft[key] = value;
  }
  const shape = Object.fromEntries(Object.keys(draft).map((k) => [k, SETTINGS[k as (typeof SMTP_SETTING_KEYS)[number]].schema]));
  const parsed = z.object(shape).parse(draft) as Partial<SiteSettings>;
  const s: SiteSettings = { ...(await getSettings()), ...parsed };

  const target = smtpTargetOf(smtpFieldsOf(s));
  if (!target) throw new AppError("BAD_REQUEST", "mail.test.noServer");
  const text = TEXT[input.locale];
  const transport = createTransport(target);
  try {
    await transport.sendMail({
      from: s.mailFrom,
      to: me.email,
      subject: text.subject.replace("{site}", s.siteName),
      text: text.body.replace("{site}", s.siteName),
    });
  } catch (e) {
    const { key, params } = describeSmtpError(e, whereOf(target));
    throw new AppError("BAD_REQUEST", key, params);
  } finally {
    transport.close();
  }
  return { to: me.email };
}
