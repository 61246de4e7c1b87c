// Server messages of groups (Admin → Groups, the admin CLI, single sign-on and SCIM), English and Chinese.
import type { Locale } from "@/server/i18n/locale";

export const groupsServerMessages = {
  "groups.nameRequired": { en: "Enter a group name.", zh: "请输入群组名称。" },
  "groups.nameTooLong": { en: "A group name can be at most {max} characters.", zh: "群组名称最多 {max} 个字符。" },
  "groups.nameControl": { en: "A group name cannot contain control characters.", zh: "群组名称不能包含控制字符。" },
  "groups.nameBidi": {
    en: "A group name cannot contain invisible text-direction characters.",
    zh: "群组名称不能包含不可见的文字方向控制字符。",
  },
  "groups.nameTaken": {
    en: "A group named “{name}” already exists (names are compared without regard to case).",
    zh: "已存在名为“{name}”的群组（名称不区分大小写）。",
  },
  "groups.notFound": { en: "This group does not exist.", zh: "该群组不存在。" },
  "groups.userNotFound": { en: "This account does not exist.", zh: "该账号不存在。" },
  "groups.notMember": { en: "This person is not a member of the group.", zh: "此人不是该群组的成员。" },
} as const satisfies Record<string, Record<Locale, string>>;
