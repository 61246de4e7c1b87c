// Interface strings of the security screens, English and Chinese (same keys: the type enforces it).
import type { Shape } from "@/components/i18n/shape";

const en = {
  title: "security",
};

const zh: Shape<typeof en> = {
  title: "security",
};

export const securityMessages = { en, zh };
