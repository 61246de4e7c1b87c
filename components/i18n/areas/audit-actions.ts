// Readable names of the audit log's actions, English and Chinese in one table. The recorded
// identifier stays the filter value and the CSV's column; a name missing here shows as the
// identifier (a unit test keeps every action the server records in this table).
import type { Locale } from "@/server/i18n/locale";
import { groupAuditActionLabels } from "@/components/i18n/areas/audit-actions-groups";
import { teamAuditActionLabels } from "@/components/i18n/areas/audit-actions-teams";

const labels: Record<string, { en: string; zh: string }> = {
  "admin.2fa.policy": { en: "Two-factor policy changed", zh: "更改两步验证策略" },
  "admin.2fa.reset": { en: "Two-factor reset by admin", zh: "管理员重置两步验证" },
  "settings.changed": { en: "Site settings changed", zh: "更改站点设置" },
  "admin.audit.export": { en: "Audit log exported", zh: "导出审计日志" },
  "admin.debug.profile": { en: "CPU profile taken", zh: "采集 CPU 性能分析" },
  "admin.debug.heap": { en: "Heap snapshot taken", zh: "采集堆快照" },
  "admin.share.revoke": { en: "Share link revoked by admin", zh: "管理员撤销分享链接" },
  "admin.upload.abort": { en: "Upload aborted by admin", zh: "管理员中止上传" },
  "admin.user.create": { en: "Account created by admin", zh: "管理员创建账户" },
  "admin.user.delete": { en: "Account deletion requested", zh: "请求删除账户" },
  "admin.user.deleted": { en: "Account deleted", zh: "账户已删除" },
  "admin.user.disable": { en: "Account disabled", zh: "停用账户" },
  "admin.user.enable": { en: "Account enabled", zh: "启用账户" },
  "admin.user.resetPassword": { en: "Password reset by admin", zh: "管理员重置密码" },
  "admin.user.setQuota": { en: "Quota changed", zh: "更改配额" },
  "admin.user.setRole": { en: "Role changed", zh: "更改角色" },
  "auth.2fa.disable": { en: "Two-factor turned off", zh: "关闭两步验证" },
  "auth.2fa.enable": { en: "Two-factor turned on", zh: "开启两步验证" },
  "auth.2fa.failure": { en: "Wrong two-factor code", zh: "两步验证码错误" },
  "auth.2fa.recovery": { en: "Recovery code used", zh: "使用恢复码" },
  "auth.2fa.recoveryRegenerate": { en: "Recovery codes renewed", zh: "重新生成恢复码" },
  "auth.dav.failure": { en: "WebDAV sign-in failed", zh: "WebDAV 登录失败" },
  "auth.oidc.link": { en: "Single sign-on linked", zh: "关联单点登录" },
  "auth.password.change": { en: "Password changed", zh: "修改密码" },
  "auth.signin.failure": { en: "Sign-in failed", zh: "登录失败" },
  "auth.signin.success": { en: "Signed in", zh: "登录" },
  "auth.signout": { en: "Signed out", zh: "退出登录" },
  "folder.create": { en: "Folder created", zh: "新建文件夹" },
  "grant.create": { en: "Shared with a teammate", zh: "共享给成员" },
  "grant.revoke": { en: "Teammate access removed", zh: "移除成员访问权限" },
  "grant.update": { en: "Teammate role changed", zh: "更改成员权限" },
  "node.copy": { en: "Copied", zh: "复制" },
  "node.delete": { en: "Moved to trash", zh: "移到回收站" },
  "node.move": { en: "Moved", zh: "移动" },
  "node.purge": { en: "Deleted for good", zh: "永久删除" },
  "node.rename": { en: "Renamed", zh: "重命名" },
  "node.restore": { en: "Restored from trash", zh: "从回收站还原" },
  "share.create": { en: "Share link created", zh: "创建分享链接" },
  "share.delete": { en: "Share link deleted", zh: "删除分享链接" },
  "share.drop": { en: "File dropped through a link", zh: "通过链接投递文件" },
  "share.revoke": { en: "Share link revoked", zh: "撤销分享链接" },
  "share.update": { en: "Share link changed", zh: "修改分享链接" },
  "token.create": { en: "App password created", zh: "创建应用密码" },
  "token.revoke": { en: "App password revoked", zh: "撤销应用密码" },
  "trash.empty": { en: "Trash emptied", zh: "清空回收站" },
  "upload.complete": { en: "File uploaded", zh: "上传文件" },
  "upload.instant": { en: "File uploaded instantly", zh: "秒传文件" },
  "upload.instant.proofFailed": { en: "Instant upload proof failed", zh: "秒传校验失败" },
  "upload.quarantined": { en: "File quarantined (checksum mismatch)", zh: "文件已隔离（校验和不一致）" },
  "user.signup": { en: "Account created", zh: "注册账户" },
  "version.delete": { en: "Version deleted", zh: "删除版本" },
  "version.restore": { en: "Version restored", zh: "恢复版本" },
  ...groupAuditActionLabels,
  ...teamAuditActionLabels,
};

export function hasAuditActionLabel(action: string): boolean {
  return Object.hasOwn(labels, action);
}

/** The readable name of an audit action, or the identifier itself when it has none. */
export function auditActionLabel(action: string, locale: Locale): string {
  return Object.hasOwn(labels, action) ? labels[action]![locale] : action;
}
