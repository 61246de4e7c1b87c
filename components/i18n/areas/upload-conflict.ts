// Interface strings of the "name already exists" question before an upload, English and Chinese.
import type { Shape } from "@/components/i18n/shape";

const en = {
  title: "Upload options",
  exists: "“{name}” already exists in this folder.",
  question: "What should happen to the file you are uploading?",
  replace: "Replace",
  replaceHint: "Add it as a new version of the existing file. Older versions stay in its history.",
  keepBoth: "Keep both",
  keepBothHint: "Upload it beside the existing file, with a number added: {example}",
  skip: "Skip",
  skipHint: "Don’t upload this file.",
  applyToAll: "Apply to all {count} {count, plural, one {conflict} other {conflicts}}",
  remaining: "{index} of {count}",
  upload: "Upload",
  cancel: "Cancel",
};

const zh: Shape<typeof en> = {
  title: "上传选项",
  exists: "此文件夹中已存在“{name}”。",
  question: "要如何处理正在上传的文件？",
  replace: "替换",
  replaceHint: "作为现有文件的新版本上传，旧版本保留在历史记录中。",
  keepBoth: "保留两者",
  keepBothHint: "与现有文件并存，名称加上编号：{example}",
  skip: "跳过",
  skipHint: "不上传此文件。",
  applyToAll: "应用于全部 {count} 个同名文件",
  remaining: "第 {index} 个，共 {count} 个",
  upload: "上传",
  cancel: "取消",
};

export const uploadConflictMessages = { en, zh };
