// Browser tab titles of the pages, English and Chinese (same keys: the type enforces it).
import type { Shape } from "@/components/i18n/shape";

const en = {
  default: "Yunpan",
  template: "{page} · Yunpan",
  description: "Your self-hosted cloud drive",
  drive: "My Drive",
  recent: "Recent",
  starred: "Starred",
  trash: "Trash",
  search: "Search",
  shared: "Shared with me",
  links: "My links",
  settings: "Settings",
  security: "Security",
  admin: "Administration",
  signIn: "Sign in",
  signUp: "Create account",
  linkAccount: "Link your account",
  share: "Shared file",
};

const zh: Shape<typeof en> = {
  default: "云盘",
  template: "{page} · 云盘",
  description: "您自己托管的云盘",
  drive: "我的云盘",
  recent: "最近",
  starred: "已加星标",
  trash: "回收站",
  search: "搜索",
  shared: "与我共享",
  links: "我的链接",
  settings: "设置",
  security: "安全",
  admin: "管理",
  signIn: "登录",
  signUp: "创建账户",
  linkAccount: "关联您的账户",
  share: "分享的文件",
};

export const titleMessages = { en, zh };
