// Server messages of Admin → Settings (server/settings/), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const settingsServerMessages = {
  "settings.integerRange": { en: "Enter a whole number from {min} to {max}.", zh: "请输入 {min} 到 {max} 之间的整数。" },
  "settings.bytesRange": { en: "Enter a size from {min} to {max}.", zh: "请输入 {min} 到 {max} 之间的大小。" },
  "settings.choice": { en: "Choose one of the options.", zh: "请从选项中选择一项。" },
  "settings.textLength": { en: "Enter 1 to {max} characters.", zh: "请输入 1 到 {max} 个字符。" },
  "settings.textControl": { en: "The text cannot contain control characters.", zh: "文本不能包含控制字符。" },
  "settings.textMax": { en: "Enter at most {max} characters, on one line.", zh: "请输入最多 {max} 个字符，且不能换行。" },
  "settings.smtpHost": { en: "Enter a host name or IP address, e.g. smtp.example.com.", zh: "请输入主机名或 IP 地址，例如 smtp.example.com。" },
  "settings.mailFrom": { en: "Enter an address, or a name and an address: Yunpan <drive@example.com>.", zh: "请输入邮箱地址，或名称加地址：Yunpan <drive@example.com>。" },
  "settings.unknown": { en: "There is no setting named “{key}”.", zh: "没有名为“{key}”的设置。" },
  "settings.fixedByEnv": {
    en: "This setting is fixed by the environment variable {env}: change it in the deployment, or unset the variable to manage it here.",
    zh: "该设置由环境变量 {env} 固定：请在部署配置中修改，或删除该变量后在此管理。",
  },
  "mail.test.noServer": { en: "No SMTP server is set: enter its host first.", zh: "尚未设置 SMTP 服务器：请先填写主机。" },
  "mail.test.refused": {
    en: "Could not connect to {host}:{port}: the connection was refused. Check the server and port.",
    zh: "无法连接 {host}:{port}：连接被拒绝。请检查服务器和端口。",
  },
  "mail.test.dns": { en: "The SMTP server {host} could not be found. Check its name.", zh: "找不到 SMTP 服务器 {host}，请检查名称。" },
  "mail.test.timeout": {
    en: "{host}:{port} did not answer in time. Check the server, the port and any firewall in between.",
    zh: "{host}:{port} 未及时响应。请检查服务器、端口以及中间的防火墙。",
  },
  "mail.test.auth": { en: "The SMTP server refused the user name or password. It said: {detail}", zh: "SMTP 服务器拒绝了用户名或密码。服务器回复：{detail}" },
  "mail.test.tls": {
    en: "The secure connection to {host}:{port} failed ({detail}). Check the encryption: TLS is usually port 465, STARTTLS port 587.",
    zh: "与 {host}:{port} 的安全连接失败（{detail}）。请检查加密方式：TLS 通常用 465 端口，STARTTLS 用 587 端口。",
  },
  "mail.test.rejected": { en: "The SMTP server refused the mail. It said: {detail}", zh: "SMTP 服务器拒绝了这封邮件。服务器回复：{detail}" },
  "mail.test.failed": { en: "The test mail could not be sent: {detail}", zh: "测试邮件发送失败：{detail}" },
  "logo.tooLarge": { en: "The logo can be at most {max}. Choose a smaller image.", zh: "徽标最大为 {max}，请选择更小的图片。" },
  "logo.type": { en: "Choose a PNG, JPEG or WebP image for the logo.", zh: "请选择 PNG、JPEG 或 WebP 格式的图片作为徽标。" },
  "logo.unreadable": { en: "This image could not be read. Choose another PNG, JPEG or WebP file.", zh: "无法读取该图片，请选择其他 PNG、JPEG 或 WebP 文件。" },
  "logo.none": { en: "This site has no logo of its own.", zh: "本站点没有自定义徽标。" },
  "share.passwordRequired": { en: "Links on this server need a password.", zh: "本服务器的分享链接必须设置密码。" },
  "share.expiryRequired": { en: "Links on this server expire within {days} days: choose an expiry date.", zh: "本服务器的分享链接须在 {days} 天内过期，请选择过期时间。" },
  "share.expiryTooLong": { en: "Links on this server expire within {days} days: choose an earlier date.", zh: "本服务器的分享链接须在 {days} 天内过期，请选择更早的日期。" },
} as const satisfies Record<string, Record<Locale, string>>;
