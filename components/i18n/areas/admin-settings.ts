// Interface strings of Admin → Settings, English and Chinese. The settings' own labels and help
// live with their rules in server/settings/settings.schemas.ts.
import type { Shape } from "@/components/i18n/shape";

const en = {
  nav: "Settings",
  title: "Settings",
  intro: "Changes apply at once on every server, without a restart. Each change is recorded in the audit log.",
  groups: {
    general: { title: "General", subtitle: "How this server presents itself." },
    access: { title: "Sign-up and sign-in", subtitle: "Who can create an account and how they sign in." },
    storage: { title: "Storage", subtitle: "Space and upload limits for every account." },
    sharing: { title: "Share links", subtitle: "Rules every new or edited share link follows." },
    retention: { title: "Trash and versions", subtitle: "How long deleted items and old versions are kept." },
  },
  fixed: "Set by {env}",
  fixedHint: "Fixed by the environment variable {env}. Change it in the deployment, or unset it to manage this setting here.",
  changed: "Changed",
  defaultIs: "Default: {value}",
  unlimited: "Unlimited",
  keepForever: "No age limit",
  noExpiryLimit: "Links may never expire",
  save: "Save changes",
  saving: "Saving…",
  discard: "Discard",
  unsaved: "Unsaved changes: {count}",
  saved: "Settings saved. They apply on every server now.",
  failed: "Settings were not saved: {message}",
  fixErrors: "Fix the highlighted fields first.",
  loadFailed: "The settings could not be loaded.",
};

const zh: Shape<typeof en> = {
  nav: "设置",
  title: "设置",
  intro: "更改会立即在所有服务器上生效，无需重启。每次更改都会记入审计日志。",
  groups: {
    general: { title: "常规", subtitle: "本服务器的显示名称。" },
    access: { title: "注册与登录", subtitle: "谁可以创建账号，以及如何登录。" },
    storage: { title: "存储", subtitle: "所有账号的空间和上传限制。" },
    sharing: { title: "分享链接", subtitle: "每个新建或修改的分享链接都须遵守的规则。" },
    retention: { title: "回收站与版本", subtitle: "已删除项目和旧版本的保留时间。" },
  },
  fixed: "由 {env} 设定",
  fixedHint: "该设置由环境变量 {env} 固定。请在部署配置中修改，或删除该变量后在此管理。",
  changed: "已修改",
  defaultIs: "默认值：{value}",
  unlimited: "不限",
  keepForever: "不限时间",
  noExpiryLimit: "允许永不过期",
  save: "保存更改",
  saving: "正在保存…",
  discard: "放弃",
  unsaved: "{count} 项更改未保存",
  saved: "设置已保存，已在所有服务器上生效。",
  failed: "设置未保存：{message}",
  fixErrors: "请先修正标出的字段。",
  loadFailed: "无法加载设置。",
};

export const adminSettingsMessages = { en, zh };
