// What the public share page says when a counted download is refused, English and Chinese.
import type { Shape } from "@/components/i18n/shape";

const en = {
  exhausted: "This link is used up: its download limit has been reached. Ask {name} for a new link.",
  expired: "This link has expired, so it can no longer be downloaded. Ask {name} for a new link.",
  revoked: "{name} has turned this link off, so it can no longer be downloaded.",
  failed: "The download could not start. Check your connection and try again.",
};

const zh: Shape<typeof en> = {
  exhausted: "此链接的下载次数已用完，无法再下载。请向 {name} 索取新链接。",
  expired: "此链接已过期，无法再下载。请向 {name} 索取新链接。",
  revoked: "{name} 已关闭此链接，无法再下载。",
  failed: "下载未能开始。请检查网络后重试。",
};

export const shareDownloadMessages = { en, zh };
