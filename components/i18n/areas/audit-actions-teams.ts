// Readable names of the team folders' audit actions (Admin → Team folders, managers, the CLI).
export const teamAuditActionLabels: Record<string, { en: string; zh: string }> = {
  "team.create": { en: "Team folder created", zh: "创建团队文件夹" },
  "team.rename": { en: "Team folder renamed", zh: "重命名团队文件夹" },
  "team.quota": { en: "Team folder quota changed", zh: "修改团队文件夹配额" },
  "team.delete": { en: "Team folder deleted", zh: "删除团队文件夹" },
  "team.member.add": { en: "Added to a team folder", zh: "加入团队文件夹" },
  "team.member.update": { en: "Team folder role changed", zh: "修改团队文件夹角色" },
  "team.member.remove": { en: "Removed from a team folder", zh: "移出团队文件夹" },
};
