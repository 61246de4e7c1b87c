import { expect, test } from "vitest";
import { auditDetails } from "@/components/i18n/areas/audit-details";
import type { AuditRef } from "@/server/admin/admin-audit.service";

const ROOT = "00000000-0000-4000-8000-000000000001";
const INBOX = "00000000-0000-4000-8000-000000000002";
const ARCHIVE = "00000000-0000-4000-8000-000000000003";
const GONE = "00000000-0000-4000-8000-000000000009";
const refs: Record<string, AuditRef> = {
  [ROOT]: { type: "root" },
  [INBOX]: { type: "folder", name: "Inbox" },
  [ARCHIVE]: { type: "folder", name: "归档" },
};

test("a folder created in the root reads as words, not as parentId and kind", () => {
  expect(auditDetails({ name: "Budget", parentId: ROOT }, refs, "en", "name")).toEqual(["in My Drive"]);
  expect(auditDetails({ name: "Budget", parentId: INBOX }, refs, "zh", "name")).toEqual(["位于 “Inbox”"]);
});

test("a move says from which folder to which, by name, in both languages", () => {
  const data = { name: "a.txt", kind: "FILE", fromId: INBOX, toId: ARCHIVE };
  expect(auditDetails(data, refs, "en", "name")).toEqual(["File", "from “Inbox” to “归档”"]);
  expect(auditDetails(data, refs, "zh", "name")).toEqual(["文件", "从 “Inbox” 移到 “归档”"]);
  // A copy names its source and where it went, once.
  expect(auditDetails({ name: "b", kind: "FOLDER", sourceId: INBOX, toId: ARCHIVE }, refs, "en", "name")).toEqual(["Folder", "copy of “Inbox”, into “归档”"]);
});

test("a rename, a role change and a share say what changed; enums are words", () => {
  expect(auditDetails({ name: "New", from: "Old", kind: "FOLDER" }, refs, "en", "name")).toEqual(["Folder", "was “Old”"]);
  expect(auditDetails({ email: "a@x", from: "USER", to: "ADMIN" }, refs, "zh", "email")).toEqual(["普通用户 → 管理员"]);
  expect(auditDetails({ nodeId: INBOX, permission: "DOWNLOAD" }, refs, "en")).toEqual(["View and download", "for “Inbox”"]);
  expect(auditDetails({ email: "a@x", from: null, to: 1048576 }, refs, "en", "email")).toEqual(["no limit → 1.0 MiB"]);
});

test("an id the server could not name stays as it is, and unknown keys still show", () => {
  expect(auditDetails({ parentId: GONE, extra: 3 }, refs, "en")).toEqual([`in ${GONE}`, "extra: 3"]);
  expect(auditDetails({ viaShareLink: "link", jobId: "j", size: 2048 }, refs, "en")).toEqual(["2.0 KiB"]);
});

test("a profile taken on demand says how long and which process", () => {
  expect(auditDetails({ seconds: 30, pid: 4242 }, refs, "en")).toEqual(["30 s", "process 4242"]);
  expect(auditDetails({ pid: 4242 }, refs, "zh")).toEqual(["进程 4242"]);
});

test("counts take the plural form their number needs", () => {
  expect(auditDetails({ nodes: 1, uploads: 0 }, refs, "en")).toEqual(["1 item", "0 uploads"]);
  expect(auditDetails({ nodes: 2, uploads: 1 }, refs, "en")).toEqual(["2 items", "1 upload"]);
  expect(auditDetails({ nodes: 1, uploads: 1 }, refs, "zh")).toEqual(["1 项", "1 个上传"]);
});

test("a share with a group names the group, not its id", () => {
  expect(auditDetails({ groupId: GONE, group: "Design", role: "VIEWER" }, refs, "en")).toEqual(["Viewer", "with the group Design"]);
  expect(auditDetails({ groupId: GONE, group: "设计部" }, refs, "zh")).toEqual(["共享给群组 设计部"]);
});
