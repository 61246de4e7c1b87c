// Interface strings of the phone layout (bottom bar, drawer, list), English and Chinese.
import type { Shape } from "@/components/i18n/shape";

const en = {
  drive: "Drive",
  shared: "Shared",
  menu: "Menu",
  closeMenu: "Close menu",
  navigation: "Main navigation",
  folder: "Folder",
  selectHint: "Touch and hold to select",
};

const zh: Shape<typeof en> = {
  drive: "云盘",
  shared: "共享",
  menu: "菜单",
  closeMenu: "关闭菜单",
  navigation: "主导航",
  folder: "文件夹",
  selectHint: "长按可选择",
};

export const mobileMessages = { en, zh };
