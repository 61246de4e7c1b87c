import { randomBytes } from "node:crypto";
import { seal, unseal } from "@/server/security/sealed-secret";

// A hook's signing secret is shown once and stored sealed: the database alone cannot forge a
// delivery. Rows written before sealing hold the plain `whsec_…` and keep working.
const WEBHOOK_SEAL = "yunpan.webhook-secret.v1";

/** A new secret: what the owner is shown once, and what the database keeps. */
export function newWebhookSecret(): { shown: string; stored: string } {
  const shown = `whsec_${randomBytes(24).toString("base64url")}`;
  return { shown, stored: seal(WEBHOOK_SEAL, shown) };
}

/** The secret to sign with; throws when it was sealed under another server secret. */
export function webhookSecretOf(stored: string): string {
  if (stored.startsWith("whsec_")) return stored;
  const shown = unseal(WEBHOOK_SEAL, stored);
  if (!shown) throw new Error("the hook's secret cannot be opened: the server secret (AUTH_SECRET) changed since it was made; create the hook again");
  return shown;
}
