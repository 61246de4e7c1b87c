// Interface strings of webhooks (Settings → Integrations, Admin → Webhooks), English and Chinese.
import type { Shape } from "@/components/i18n/shape";

const en = {
  failingNotice: "Webhook {url} is failing: {error}",
};

const zh: Shape<typeof en> = {
  failingNotice: "Webhook {url} 投递失败：{error}",
};

export const webhookMessages = { en, zh };
