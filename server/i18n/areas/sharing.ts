// Server messages of the sharing area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const sharingServerMessages = {
  "share.notFound": { en: "This share link does not exist.", zh: "该分享链接不存在。" },
  "share.revoked": { en: "This link was turned off by its owner.", zh: "该链接已被分享者关闭。" },
  "share.expired": { en: "This link has expired.", zh: "该链接已过期。" },
  "share.exhausted": { en: "This link has reached its download limit.", zh: "该链接的下载次数已用完。" },
  "share.gone.title": { en: "This link no longer works", zh: "该链接已失效" },
  "share.gone.hint": { en: "Ask the person who shared it for a new link.", zh: "请联系分享者获取新的链接。" },
  "share.locked": { en: "This link is protected by a password.", zh: "该链接需要密码。" },
  "share.wrongPassword": { en: "The password is incorrect.", zh: "密码不正确。" },
  "share.noDownload": { en: "This link allows viewing only.", zh: "该链接仅允许预览。" },
  "share.noUpload": { en: "This link does not accept uploads.", zh: "该链接不允许上传。" },
  "share.noList": { en: "This link only accepts files.", zh: "该链接仅用于接收文件。" },
  "share.uploadFull": { en: "This upload link has no room left ({max} in total).", zh: "该上传链接已达到容量上限（共 {max}）。" },
  "share.uploadLength": { en: "Uploads through a link must declare their size.", zh: "通过链接上传必须声明文件大小。" },
  "share.passwordShort": { en: "Use at least {min} characters for the link password.", zh: "链接密码至少需要 {min} 个字符。" },
  "share.expiryPast": { en: "Choose an expiry in the future.", zh: "请选择一个未来的过期时间。" },
  "share.rootNotShareable": { en: "Your root folder cannot be shared; share a folder inside it.", zh: "根文件夹不能分享，请分享其中的文件夹。" },
  "share.notTrashed": { en: "Files in the trash cannot be shared.", zh: "回收站中的文件不能分享。" },
  "share.topNotYours": {
    en: "“{name}” was shared with you: only its owner can rename, move or delete it. To remove it from your list, leave the share.",
    zh: "“{name}”是别人与您共享的：只有所有者可以重命名、移动或删除它。若要从列表中移除，请退出共享。",
  },
  "grant.self": { en: "You already own this.", zh: "您已经拥有它。" },
  "grant.groupLeave": { en: "This was shared with a group you are in: you keep it while you are a member.", zh: "这是共享给您所在群组的：只要您仍是该群组成员，就会保留访问权限。" },
  "grant.notFound": { en: "This share does not exist.", zh: "该共享不存在。" },
  "mail.invite.subject": { en: "{name} shared “{item}” with you", zh: "{name} 与您分享了“{item}”" },
  "mail.invite.body": {
    en: "{name} shared “{item}” with you on Yunpan.\n\nOpen it here:\n{url}\n{note}",
    zh: "{name} 在云盘上与您分享了“{item}”。\n\n点击打开：\n{url}\n{note}",
  },
  "mail.invite.password": { en: "\nThe link is protected by a password; ask {name} for it.", zh: "\n该链接设有密码，请向 {name} 索取。" },
  "mail.invite.expires": { en: "\nThe link works until {at} (UTC).", zh: "\n该链接有效期至 {at}（UTC）。" },
  "mail.grant.subject": { en: "{name} shared “{item}” with you", zh: "{name} 与您共享了“{item}”" },
  "mail.grant.body": {
    en: "{name} gave you {role} access to “{item}” on Yunpan.\n\nOpen it here:\n{url}\n",
    zh: "{name} 在云盘上授予您“{item}”的{role}权限。\n\n点击打开：\n{url}\n",
  },
  "mail.role.VIEWER": { en: "view", zh: "查看" },
  "mail.role.EDITOR": { en: "edit", zh: "编辑" },
  "mail.drops.subject": { en: "{count} files were dropped into “{item}”", zh: "有 {count} 个文件上传到了“{item}”" },
  "mail.drops.body": {
    en: "{count} files were dropped into “{item}” through your upload link{by}.\n\nSee them here:\n{url}\n",
    zh: "有 {count} 个文件通过您的上传链接上传到了“{item}”{by}。\n\n点击查看：\n{url}\n",
  },
  "mail.drops.by": { en: " by {names}", zh: "（上传者：{names}）" },
} as const satisfies Record<string, Record<Locale, string>>;
