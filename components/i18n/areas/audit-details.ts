// The details column of the admin audit log, in words: "Folder · in Projects", "from Inbox to
// Archive", English and Chinese. The server names the ids an event recorded (AuditEventDto.refs);
// an id it cannot name any more (a purged file) is the only raw id the reader ever sees.
import { formatBytes, type Locale } from "@/server/i18n/messages";
import type { AuditRef } from "@/server/admin/admin-audit.service";
import { SETTINGS, isSettingKey } from "@/server/settings/settings.schemas";

const words = {
  en: {
    FOLDER: "Folder",
    FILE: "File",
    root: "My Drive",
    in: "in {a}",
    moved: "from {a} to {b}",
    copied: "copy of {a}, into {b}",
    into: "into {a}",
    was: "was “{a}”",
    change: "{a} → {b}",
    size: "{a}",
    freed: "{a} freed",
    items: "{a} items",
    itemsOne: "{a} item",
    uploads: "{a} uploads",
    uploadsOne: "{a} upload",
    received: "{a} received",
    with: "with {a}",
    withGroup: "with the group {a}",
    for: "for {a}",
    owner: "owner {a}",
    uploader: "uploaded by {a}",
    noLimit: "no limit",
    version: "version {a}",
    fromVersion: "from version {a}",
    via: "via {a}",
    twoFactor: "with two-factor",
    passwordChanged: "password changed",
    policy: "policy: {a}",
    ADMIN: "Administrator",
    USER: "User",
    VIEWER: "Viewer",
    EDITOR: "Editor",
    VIEW: "View only",
    DOWNLOAD: "View and download",
    UPLOAD: "Upload only",
    DOWNLOAD_UPLOAD: "Download and upload",
    password: "password",
    oidc: "single sign-on",
    dav: "WebDAV",
    token: "app password",
    unknown: "a deleted item",
    seconds: "{a} s",
    pid: "process {a}",
  },
  zh: {
    FOLDER: "文件夹",
    FILE: "文件",
    root: "我的云盘",
    in: "位于 {a}",
    moved: "从 {a} 移到 {b}",
    copied: "{a} 的副本，放入 {b}",
    into: "放入 {a}",
    was: "原名“{a}”",
    change: "{a} → {b}",
    size: "{a}",
    freed: "释放 {a}",
    items: "{a} 项",
    itemsOne: "{a} 项",
    uploads: "{a} 个上传",
    uploadsOne: "{a} 个上传",
    received: "已接收 {a}",
    with: "共享给 {a}",
    withGroup: "共享给群组 {a}",
    for: "对象：{a}",
    owner: "所有者 {a}",
    uploader: "上传者 {a}",
    noLimit: "不限",
    version: "版本 {a}",
    fromVersion: "来自版本 {a}",
    via: "方式：{a}",
    twoFactor: "已通过两步验证",
    passwordChanged: "已修改密码",
    policy: "策略：{a}",
    ADMIN: "管理员",
    USER: "普通用户",
    VIEWER: "查看者",
    EDITOR: "编辑者",
    VIEW: "仅查看",
    DOWNLOAD: "查看和下载",
    UPLOAD: "仅上传",
    DOWNLOAD_UPLOAD: "下载和上传",
    password: "密码",
    oidc: "单点登录",
    dav: "WebDAV",
    token: "应用密码",
    unknown: "已删除的项目",
    seconds: "{a} 秒",
    pid: "进程 {a}",
  },
} as const;

type Word = keyof (typeof words)["en"];

/** Keys that say nothing to an admin reading the log (the actor column already shows the link). */
const HIDDEN = new Set(["viaShareLink", "jobId"]);

/**
 * The event's data as readable phrases. `shownName` is the data key the target column already
 * shows (email, filename or name), left out here so nothing is said twice.
 */
export function auditDetails(data: unknown, refs: Record<string, AuditRef>, locale: Locale, shownName?: string | null): string[] {
  if (!data || typeof data !== "object" || Array.isArray(data)) return data === null || data === undefined ? [] : [JSON.stringify(data)];
  const d = data as Record<string, unknown>;
  const w = words[locale];
  const fill = (word: Word, a: unknown, b?: unknown) => w[word].replace("{a}", String(a)).replace("{b}", String(b));
  /** A count in the locale's plural form: "1 item", "2 items" (Chinese has one form). */
  const counted = (many: "items" | "uploads", n: number) =>
    fill(new Intl.PluralRules(locale === "zh" ? "zh-CN" : "en").select(n) === "one" ? `${many}One` : many, n);
  const word = (v: unknown) => (typeof v === "string" && Object.hasOwn(w, v) ? w[v as Word] : String(v));
  /** A referenced id by name: "My Drive", a folder's or file's name, a person, a version. */
  const named = (id: unknown): string => {
    const ref = typeof id === "string" ? refs[id] : undefined;
    if (!ref) return typeof id === "string" ? id : w.unknown;
    if (ref.type === "root") return w.root;
    if (ref.type === "user") return ref.name ? `${ref.name} (${ref.email})` : ref.email;
    if (ref.type === "version") return String(ref.number);
    return `“${ref.name}”`;
  };

  const out: string[] = [];
  const done = new Set<string>([...HIDDEN, ...(shownName ? [shownName] : [])]);
  const take = (...keys: string[]) => keys.forEach((k) => done.add(k));
  const say = (phrase: string, ...keys: string[]) => {
    out.push(phrase);
    take(...keys);
  };

  if (typeof d.kind === "string") say(word(d.kind), "kind");
  if (d.parentId !== undefined) say(fill("in", named(d.parentId)), "parentId");
  if (d.sourceId !== undefined) say(fill("copied", named(d.sourceId), named(d.toId)), "sourceId", "toId");
  else if (d.fromId !== undefined || d.toId !== undefined) {
    out.push(d.fromId !== undefined ? fill("moved", named(d.fromId), named(d.toId)) : fill("into", named(d.toId)));
    take("fromId", "toId");
  }
  // A quota change records bytes, null meaning no limit.
  const quota = (v: unknown) => (typeof v === "number" ? formatBytes(v) : w.noLimit);
  if ((typeof d.from === "number" || d.from === null) && (typeof d.to === "number" || d.to === null)) say(fill("change", quota(d.from), quota(d.to)), "from", "to");
  else if (typeof d.from === "string" && typeof d.to === "string") say(fill("change", word(d.from), word(d.to)), "from", "to");
  else if (typeof d.from === "string") say(fill("was", d.from), "from");
  if (typeof d.role === "string") say(word(d.role), "role");
  if (typeof d.permission === "string") say(word(d.permission), "permission");
  if (d.granteeId !== undefined) say(fill("with", named(d.granteeId)), "granteeId");
  // A share with a group names the group as it was called then (it may be gone since).
  if (d.groupId !== undefined && typeof d.group === "string") say(fill("withGroup", d.group), "groupId", "group");
  if (d.nodeId !== undefined) say(fill("for", named(d.nodeId)), "nodeId");
  if (d.ownerId !== undefined) say(fill("owner", named(d.ownerId)), "ownerId");
  if (d.userId !== undefined) say(fill("uploader", named(d.userId)), "userId");
  if (d.versionId !== undefined) say(fill("version", named(d.versionId)), "versionId");
  if (d.fromVersionId !== undefined) say(fill("fromVersion", named(d.fromVersionId)), "fromVersionId");
  if (typeof d.size === "number") say(fill("size", formatBytes(d.size)), "size");
  if (typeof d.freedBytes === "number") say(fill("freed", formatBytes(d.freedBytes)), "freedBytes");
  if (typeof d.offset === "number") say(fill("received", formatBytes(d.offset)), "offset");
  if (typeof d.nodes === "number") say(counted("items", d.nodes), "nodes");
  if (typeof d.uploads === "number") say(counted("uploads", d.uploads), "uploads");
  if (typeof d.via === "string") say(fill("via", word(d.via)), "via");
  if (d.twoFactor === true) out.push(w.twoFactor);
  if (d.passwordChanged === true) out.push(w.passwordChanged);
  take("twoFactor", "passwordChanged");
  if (typeof d.policy === "string") say(fill("policy", d.policy), "policy");
  // settings.changed: each setting by its label, old → new (secrets arrive masked).
  if (Array.isArray(d.changes)) {
    for (const c of d.changes as { key?: unknown; old?: unknown; new?: unknown }[]) {
      const key = typeof c.key === "string" ? c.key : "?";
      const label = isSettingKey(key) ? SETTINGS[key].label[locale] : key;
      const show = (v: unknown) => (v === null ? w.noLimit : typeof v === "string" ? v : JSON.stringify(v));
      out.push(`${label}: ${show(c.old)} → ${show(c.new)}`);
    }
    take("changes");
  }
  if (typeof d.seconds === "number") say(fill("seconds", d.seconds), "seconds");
  if (typeof d.pid === "number") say(fill("pid", d.pid), "pid");

  // Anything this table does not know yet still shows, as it was recorded.
  for (const [k, v] of Object.entries(d)) {
    if (done.has(k) || v === null || v === undefined) continue;
    out.push(`${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`);
  }
  return out;
}
