// Server messages of the security area, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const securityServerMessages = {
  "oidc.noEmail": { en: "Your sign-in provider did not share an email address.", zh: "登录提供方未提供邮箱地址。" },
  "oidc.emailUnverified": {
    en: "An account with this email exists, and your sign-in provider has not verified the email. Sign in with your password.",
    zh: "已存在使用此邮箱的账号，且登录提供方未验证该邮箱。请使用密码登录。",
  },
  "oidc.linkExpired": { en: "This link request has expired. Start the single sign-on again.", zh: "此关联请求已过期，请重新进行单点登录。" },
  "auth.passwordLoginOff": { en: "Password sign-in is turned off on this server. Use single sign-on.", zh: "本服务器已关闭密码登录，请使用单点登录。" },
  "totp.required": { en: "Enter the code from your authenticator app.", zh: "请输入身份验证器应用中的验证码。" },
  "totp.invalidCode": { en: "That code is not right. Check your authenticator app and try again.", zh: "验证码不正确，请检查身份验证器应用后重试。" },
  "totp.alreadyEnabled": { en: "Two-factor sign-in is already on.", zh: "两步验证已开启。" },
  "totp.notStarted": { en: "Start the set-up again: no authenticator is waiting for confirmation.", zh: "请重新开始设置：没有待确认的身份验证器。" },
  "totp.notEnabled": { en: "Two-factor sign-in is not on for this account.", zh: "此账号未开启两步验证。" },
  "auth.twoFactorSetupRequired": {
    en: "Your administrator requires two-factor sign-in for this account. Turn it on under Settings → Security; until then, only that page works.",
    zh: "管理员要求此账号开启两步验证。请在“设置 → 安全”中开启；在此之前只能使用该页面。",
  },
  "totp.policyRequires": { en: "Your administrator requires two-factor sign-in. Set it up to continue.", zh: "管理员要求开启两步验证，请完成设置后继续。" },
  "dav.lengthRequired": {
    en: "This server needs the file's length up front (Content-Length) for WebDAV uploads.",
    zh: "此服务器的 WebDAV 上传需要预先提供文件长度（Content-Length）。",
  },
} as const satisfies Record<string, Record<Locale, string>>;
