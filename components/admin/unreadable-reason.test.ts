import { expect, test } from "vitest";
import { describeReason } from "@/components/admin/unreadable-reason";
import { translateUi } from "@/components/i18n/translate";

const zh = (key: Parameters<typeof translateUi>[1], params?: Parameters<typeof translateUi>[2]) => translateUi("zh", key, params);
const en = (key: Parameters<typeof translateUi>[1], params?: Parameters<typeof translateUi>[2]) => translateUi("en", key, params);

test("the indexer's reasons are read as a code and a detail, known details translated with their numbers", () => {
  expect(describeReason("timeout: took longer than 30 s", zh)).toEqual({ code: "timeout", detail: "耗时超过 30 秒" });
  expect(describeReason("memory: needed more than 256 MB", zh)).toEqual({ code: "memory", detail: "所需内存超过 256 MB" });
  expect(describeReason("encrypted: the PDF needs a password", zh)).toEqual({ code: "encrypted", detail: "PDF 需要密码" });
  expect(describeReason("too-large: 209715200 bytes", zh)).toEqual({ code: "too-large", detail: "209715200 字节" });
  expect(describeReason("zip-bomb: word/document.xml declares 40000000 bytes from 1000", zh).detail).toBe("word/document.xml 声明解压后 40000000 字节（压缩后 1000 字节）");
  expect(describeReason("malformed: no word/document.xml", zh).detail).toBe("缺少 word/document.xml");
  expect(describeReason("malformed: not a readable PDF: Invalid PDF structure.", zh).detail).toBe("不是可读取的 PDF：Invalid PDF structure.");
  expect(describeReason("timeout: took longer than 30 s", en).detail).toBe("took longer than 30 s");
  // An unknown detail is shown as written; an unknown code keeps the whole text as the detail.
  expect(describeReason("malformed: bad XRef entry", zh)).toEqual({ code: "malformed", detail: "bad XRef entry" });
  expect(describeReason("unsupported", zh)).toEqual({ code: "unsupported", detail: "" });
  expect(describeReason("something new", zh)).toEqual({ code: null, detail: "something new" });
});
