// Every message a person may see from the server, in English and Chinese. Pure data: the forms in
// components/ import it too, so a rule says the same thing on both sides.

import type { Locale } from "@/server/i18n/locale";
import { sharingServerMessages } from "@/server/i18n/areas/sharing";
import { adminServerMessages } from "@/server/i18n/areas/admin";
import { securityServerMessages } from "@/server/i18n/areas/security";
import { databaseServerMessages } from "@/server/i18n/areas/database";
import { requestGuardServerMessages } from "@/server/i18n/areas/request-guards";
import { dropServerMessages } from "@/server/i18n/areas/drops";
import { uploadConflictServerMessages } from "@/server/i18n/areas/upload-conflict";
import { eventsServerMessages } from "@/server/i18n/areas/events";
import { webhooksServerMessages } from "@/server/i18n/areas/webhooks";
import { debugServerMessages } from "@/server/i18n/areas/debug";
import { signedUrlServerMessages } from "@/server/i18n/areas/signed-urls";
import { groupsServerMessages } from "@/server/i18n/areas/groups";
import { settingsServerMessages } from "@/server/i18n/areas/settings";
import { scimServerMessages } from "@/server/i18n/areas/scim";
import { teamsServerMessages } from "@/server/i18n/areas/teams";

export { LOCALES, type Locale } from "@/server/i18n/locale";

const coreMessages = {
  "auth.required": { en: "Please sign in to continue.", zh: "请先登录。" },
  "auth.invalidCredentials": { en: "Email or password is incorrect.", zh: "邮箱或密码不正确。" },
  "auth.disabled": { en: "This account has been disabled. Contact your administrator.", zh: "该账号已被停用，请联系管理员。" },
  "auth.signupClosed": { en: "Sign-up is closed on this server. Ask an administrator for an account.", zh: "本服务器已关闭注册，请联系管理员开通账号。" },
  "auth.emailTaken": { en: "An account with this email already exists.", zh: "该邮箱已注册。" },
  "auth.wrongPassword": { en: "The current password is incorrect.", zh: "当前密码不正确。" },
  "auth.adminOnly": { en: "Only administrators can do this.", zh: "只有管理员可以执行此操作。" },
  "auth.lastAdmin": { en: "You cannot remove the last administrator.", zh: "不能移除最后一位管理员。" },
  "user.notFound": { en: "There is no account with this email.", zh: "没有使用该邮箱的账号。" },
  "password.tooShort": { en: "Use at least {min} characters for the password.", zh: "密码至少需要 {min} 个字符。" },
  "password.tooLong": { en: "The password can be at most {max} characters.", zh: "密码最多 {max} 个字符。" },
  "email.invalid": { en: "Enter a valid email address.", zh: "请输入有效的邮箱地址。" },
  "name.required": { en: "Enter a name.", zh: "请输入名称。" },
  "name.tooLong": { en: "The name is too long: at most {max} bytes.", zh: "名称过长：最多 {max} 字节。" },
  "name.slash": { en: "A name cannot contain “/”.", zh: "名称不能包含“/”。" },
  "name.control": { en: "A name cannot contain control characters.", zh: "名称不能包含控制字符。" },
  "name.dots": { en: "“.” and “..” are not allowed as names.", zh: "不能使用“.”或“..”作为名称。" },
  "name.spaces": { en: "A name cannot start or end with a space.", zh: "名称不能以空格开头或结尾。" },
  "name.taken": { en: "“{name}” already exists in this folder.", zh: "此文件夹中已存在“{name}”。" },
  "node.notFound": { en: "This file or folder does not exist, or you do not have access to it.", zh: "文件或文件夹不存在，或您无权访问。" },
  "node.notFolder": { en: "The destination is not a folder.", zh: "目标不是文件夹。" },
  "node.notFile": { en: "This is a folder, not a file.", zh: "这是文件夹，不是文件。" },
  "node.isRoot": { en: "The root folder cannot be changed.", zh: "根文件夹不能修改。" },
  "token.notFound": { en: "This app password does not exist.", zh: "该应用密码不存在。" },
  "token.nameRequired": { en: "Give the app password a name so you can recognise it later.", zh: "请为应用密码命名，以便日后识别。" },
  "upload.notFound": { en: "This upload does not exist or has expired.", zh: "该上传不存在或已过期。" },
  "upload.metadata": { en: "The upload is missing its file name or target folder.", zh: "上传缺少文件名或目标文件夹。" },
  "upload.tooLarge": { en: "The file is larger than the {max} limit of this server.", zh: "文件超过了本服务器 {max} 的大小限制。" },
  "upload.quota": { en: "Not enough space: this file needs {needed}, and {remaining} of your quota is left.", zh: "空间不足：此文件需要 {needed}，您的配额仅剩 {remaining}。" },
  "upload.hashMismatch": { en: "The file was damaged in transfer (checksum mismatch). Nothing was saved; please upload it again.", zh: "文件在传输中损坏（校验和不一致），未保存任何内容，请重新上传。" },
  "upload.sizeMismatch": { en: "The upload ended at a different size than announced.", zh: "上传结束时的大小与声明的不一致。" },
  "upload.directOff": { en: "Direct upload to storage is not enabled on this server.", zh: "本服务器未启用直传存储。" },
  "upload.partsMissing": { en: "Some parts of the file have not arrived yet ({missing}). Send them, then finish the upload.", zh: "文件的部分分片尚未上传（{missing}），请先上传这些分片再完成上传。" },
  "upload.partNumber": { en: "This upload has no part {part}.", zh: "此上传没有第 {part} 个分片。" },
  "upload.tooDeep": { en: "Folders can be nested at most {max} levels deep.", zh: "文件夹最多只能嵌套 {max} 层。" },
  "file.quarantined": {
    en: "“{name}” is quarantined: its stored bytes do not match the checksum computed when it was uploaded, so it cannot be downloaded or shared. Upload it again.",
    zh: "“{name}”已被隔离：存储的内容与上传时计算的校验和不一致，无法下载或共享，请重新上传。",
  },
  "upload.proofFailed": { en: "The file's content could not be verified, so it was not added. Upload it normally instead.", zh: "无法验证文件内容，未能秒传，请正常上传。" },
  "upload.challengeExpired": { en: "The check took too long. Please try again.", zh: "校验超时，请重试。" },
  "range.unsatisfiable": { en: "The requested range is outside the file.", zh: "请求的范围超出了文件大小。" },
  "rate.limited": { en: "Too many attempts. Try again in {seconds} seconds.", zh: "尝试次数过多，请在 {seconds} 秒后重试。" },
  "input.invalid": { en: "Some of the input is not valid.", zh: "部分输入无效。" },
  "server.error": { en: "Something went wrong on the server. Nothing was lost; please try again.", zh: "服务器出错，数据未丢失，请重试。" },
  "move.intoItself": { en: "“{name}” cannot be moved or copied into itself or one of its own folders.", zh: "不能将“{name}”移动或复制到其自身或其子文件夹中。" },
  "move.otherOwner": { en: "Items can only be moved within the same drive.", zh: "只能在同一网盘内移动项目。" },
  "trash.notFound": { en: "This item is not in the trash.", zh: "该项目不在回收站中。" },
  "version.notFound": { en: "This version does not exist.", zh: "该版本不存在。" },
  "version.onlyOne": { en: "A file's only version cannot be deleted; delete the file instead.", zh: "不能删除文件的唯一版本，请直接删除文件。" },
  "search.required": { en: "Enter something to search for.", zh: "请输入搜索内容。" },
  "zip.sameParent": { en: "Items downloaded together must be in the same folder.", zh: "一起下载的项目必须位于同一文件夹中。" },
} as const satisfies Record<string, Record<Locale, string>>;

// Each larger area keeps its messages in areas/<area>.ts.
export const messages = {
  ...coreMessages,
  ...sharingServerMessages,
  ...adminServerMessages,
  ...securityServerMessages,
  ...databaseServerMessages,
  ...requestGuardServerMessages,
  ...dropServerMessages,
  ...uploadConflictServerMessages,
  ...eventsServerMessages,
  ...webhooksServerMessages,
  ...debugServerMessages,
  ...signedUrlServerMessages,
  ...groupsServerMessages,
  ...settingsServerMessages,
  ...scimServerMessages,
  ...teamsServerMessages,
};

export type MessageKey = keyof typeof messages;
export type MessageParams = Record<string, string | number>;

export function translate(key: MessageKey, locale: Locale = "en", params: MessageParams = {}): string {
  const template: string = messages[key][locale] ?? messages[key].en;
  return template.replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`));
}

/** Picks zh for any Chinese Accept-Language or a `yp-locale=zh` cookie; English otherwise. */
export function localeFromHeaders(acceptLanguage?: string | null, cookie?: string | null): Locale {
  const fromCookie = /(?:^|;\s*)yp-locale=(en|zh)/.exec(cookie ?? "")?.[1];
  if (fromCookie) return fromCookie as Locale;
  return /^\s*zh/i.test(acceptLanguage ?? "") ? "zh" : "en";
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB", "PiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}
