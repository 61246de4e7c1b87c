import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

/** One mail as the server received it: envelope, raw message, and who signed in to send it. */
export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user: string | undefined;
}

export interface SmtpInbox {
  port: number;
  /** Every mail received so far, oldest first; empty it between tests with `inbox.length = 0`. */
  inbox: ReceivedMail[];
  close(): Promise<void>;
}

/**
 * A real SMTP server on a free loopback port (no STARTTLS). With `login`, it offers sign-in and
 * accepts only that user and password; without, it has no AUTH at all.
 */
export async function startSmtpInbox(login?: { user: string; password: string }): Promise<SmtpInbox> {
  const inbox: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: !!login,
    disabledCommands: login ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    logger: false,
    onAuth(auth, _session, callback) {
      if (login && auth.username === login.user && auth.password === login.password) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  const port = (smtp.server.address() as AddressInfo).port;
  return { port, inbox, close: () => new Promise<void>((resolve) => smtp.close(() => resolve())) };
}
