// Server messages for refused requests (size and batch limits, foreign origins, names that could
// disguise themselves) and for internal errors, English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const requestGuardServerMessages = {
  "request.bodyTooLarge": {
    en: "The request is too large: at most {max} is accepted here.",
    zh: "请求过大：此处最多接受 {max}。",
  },
  "request.tooManyCalls": {
    en: "Too many calls in one request: at most {max} are accepted.",
    zh: "单个请求中的调用过多：最多接受 {max} 个。",
  },
  "request.invalid": { en: "The request could not be understood.", zh: "无法识别该请求。" },
  "request.unknownProcedure": { en: "This action does not exist.", zh: "该操作不存在。" },
  "request.methodNotAllowed": { en: "This action cannot be called this way.", zh: "不能以这种方式调用该操作。" },
  "request.foreignOrigin": {
    en: "This request came from another website and was refused. Open Yunpan at its own address and try again.",
    zh: "该请求来自其他网站，已被拒绝。请通过云盘自己的地址打开后重试。",
  },
  "server.errorWithId": {
    en: "Something went wrong on the server. Nothing was lost; please try again. If it keeps happening, give your administrator this request ID: {requestId}",
    zh: "服务器出错，数据未丢失，请重试。如果问题持续出现，请把此请求编号告诉管理员：{requestId}",
  },
  "name.bidi": {
    en: "A name cannot contain invisible text-direction characters: they can disguise a file's real type.",
    zh: "名称不能包含不可见的文字方向控制字符：它们可能伪装文件的真实类型。",
  },
} as const satisfies Record<string, Record<Locale, string>>;
