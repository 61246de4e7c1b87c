// Interface strings of the sharing screens, English and Chinese (same keys: the type enforces it).
import type { Shape } from "@/components/i18n/shape";

const en = {
  title: "sharing",
};

const zh: Shape<typeof en> = {
  title: "sharing",
};

export const sharingMessages = { en, zh };
