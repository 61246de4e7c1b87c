// Server messages of the admin area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const adminServerMessages = {
  "admin.notOnYourself": { en: "You cannot do this to your own account.", zh: "不能对自己的账号执行此操作。" },
  "admin.userBeingDeleted": { en: "This account is being deleted.", zh: "该账号正在被删除。" },
  "admin.confirmMismatch": { en: "Type the account's email exactly to confirm.", zh: "请准确输入该账号的邮箱以确认。" },
  "admin.linkNotFound": { en: "This share link does not exist.", zh: "该分享链接不存在。" },
} as const satisfies Record<string, Record<Locale, string>>;
