// Interface strings about files visitors are dropping through upload links, English and Chinese.
import type { Shape } from "@/components/i18n/shape";

const en = {
  droppedVia: "Being dropped via link “{link}”",
  droppedHint: "A visitor of your upload link started this file; it holds its size of your quota until it finishes, stalls for 15 minutes, or you discard it.",
};

const zh: Shape<typeof en> = {
  droppedVia: "正通过链接“{link}”上传",
  droppedHint: "这是访客通过您的上传链接开始上传的文件；在完成、停滞 15 分钟或被您丢弃之前，它会占用您相应大小的配额。",
};

export const dropMessages = { en, zh };
