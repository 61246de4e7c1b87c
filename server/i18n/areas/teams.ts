// Server messages of team folders (Admin → Team folders, members, quota, the CLI), English and Chinese.

export const teamsServerMessages = {
  "team.notFound": { en: "This team folder does not exist, or you are not one of its members.", zh: "该团队文件夹不存在，或您不是其成员。" },
  "team.nameTaken": { en: "A team folder named “{name}” already exists.", zh: "已存在名为“{name}”的团队文件夹。" },
  "team.quotaFull": {
    en: "Team folder quota full: {used} of {quota} used, and this file needs {needed}.",
    zh: "团队文件夹空间已满：已用 {used}（共 {quota}），此文件需要 {needed}。",
  },
  "team.managersOnly": { en: "Only the team folder's managers can do this.", zh: "只有团队文件夹的管理者可以执行此操作。" },
  "team.memberNotFound": { en: "This member is not on the team folder.", zh: "该成员不在此团队文件夹中。" },
  "team.userNotFound": { en: "There is no active account with this email.", zh: "没有使用该邮箱的有效账号。" },
  "team.groupNotFound": { en: "This group does not exist.", zh: "该群组不存在。" },
  "auth.teamAccount": {
    en: "This is a team folder's account: nobody signs in with it. Sign in with your own account.",
    zh: "这是团队文件夹的账号，不能用于登录。请使用您自己的账号登录。",
  },
} as const;
