import nodemailer, { type Transporter } from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { getEnv } from "@/server/env";
import { smtpPartsOfUrl, type SiteSettings, type SmtpSecurity } from "@/server/settings/settings.schemas";
import type { MessageKey, MessageParams } from "@/server/i18n/messages";

/** The SMTP server as Admin → Settings (or SMTP_URL, which wins) describes it; null: no server, mails go to the log. */
export type SmtpTarget = { url: string } | { options: SMTPTransport.Options; host: string; port: number };

export interface SmtpFields {
  smtpHost: string;
  smtpPort: number;
  smtpSecurity: SmtpSecurity;
  smtpUser: string;
  smtpPassword: string | null;
}

export function smtpTargetOf(s: SmtpFields): SmtpTarget | null {
  const url = getEnv().smtpUrl;
  // SMTP_URL keeps every option a URL can carry (e.g. ?tls.rejectUnauthorized=false), so it is used as given.
  if (url) return { url };
  if (!s.smtpHost) return null;
  const options: SMTPTransport.Options = {
    host: s.smtpHost,
    port: s.smtpPort,
    secure: s.smtpSecurity === "tls",
    requireTLS: s.smtpSecurity === "starttls",
    ignoreTLS: s.smtpSecurity === "none",
    auth: s.smtpUser ? { user: s.smtpUser, pass: s.smtpPassword ?? "" } : undefined,
    // An unreachable server fails a send (and the test mail) within seconds, not minutes.
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  };
  return { options, host: s.smtpHost, port: s.smtpPort };
}

export function createTransport(target: SmtpTarget): Transporter {
  return "url" in target ? nodemailer.createTransport(target.url) : nodemailer.createTransport(target.options);
}

/** Host and port of a target, for messages. */
export function whereOf(target: SmtpTarget): { host: string; port: number } {
  return "url" in target ? smtpPartsOfUrl(target.url) : { host: target.host, port: target.port };
}

const KEY = Symbol.for("yunpan.mailTransport");
type G = typeof globalThis & { [KEY]?: { id: string; transport: Transporter } };

/** One pooled transport per process, rebuilt when the settings behind it change. */
export function transportFor(target: SmtpTarget): Transporter {
  const g = globalThis as G;
  const id = "url" in target ? target.url : JSON.stringify(target.options);
  if (g[KEY]?.id !== id) {
    g[KEY]?.transport.close();
    g[KEY] = { id, transport: createTransport(target) };
  }
  return g[KEY]!.transport;
}

export function smtpFieldsOf(s: SiteSettings): SmtpFields {
  return { smtpHost: s.smtpHost, smtpPort: s.smtpPort, smtpSecurity: s.smtpSecurity, smtpUser: s.smtpUser, smtpPassword: s.smtpPassword };
}

/**
 * What went wrong with a send, in plain words: nodemailer's error code (and the server's own
 * answer, when there is one) picks the message. Never carries the password: nodemailer's messages
 * and the server's answers do not contain it.
 */
export function describeSmtpError(e: unknown, where: { host: string; port: number }): { key: MessageKey; params: MessageParams } {
  const err = e as { code?: string; message?: string; response?: string; responseCode?: number };
  const text = `${err.code ?? ""} ${err.message ?? ""}`;
  const detail = (err.response ?? err.message ?? String(e)).replace(/\s+/g, " ").trim().slice(0, 300);
  const params = { host: where.host, port: where.port, detail };
  if (/ECONNREFUSED/.test(text)) return { key: "mail.test.refused", params };
  if (/ENOTFOUND|EAI_AGAIN|EDNS/.test(text)) return { key: "mail.test.dns", params };
  if (/ETIMEDOUT|timeout/i.test(text)) return { key: "mail.test.timeout", params };
  if (err.code === "EAUTH" || err.code === "ENOAUTH") return { key: "mail.test.auth", params };
  if (err.code === "ETLS" || /TLS|SSL|certificate|wrong version number/i.test(text)) return { key: "mail.test.tls", params };
  if (err.code === "EENVELOPE" || err.code === "EMESSAGE" || (err.responseCode ?? 0) >= 400) return { key: "mail.test.rejected", params };
  return { key: "mail.test.failed", params };
}
