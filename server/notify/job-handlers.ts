// The queued-job handlers of sharing: mails and the batched drop notices.
import "@/server/mail/mail.service";
import "@/server/notify/drops";
