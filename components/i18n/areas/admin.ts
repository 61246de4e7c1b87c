// Interface strings of the admin screens, English and Chinese (same keys: the type enforces it).
import type { Shape } from "@/components/i18n/shape";

const en = {
  title: "admin",
};

const zh: Shape<typeof en> = {
  title: "admin",
};

export const adminMessages = { en, zh };
