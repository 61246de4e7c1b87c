// Readable names of the groups' and SCIM provisioning's audit actions (Admin → Groups, single sign-on, SCIM).
export const groupAuditActionLabels: Record<string, { en: string; zh: string }> = {
  "group.created": { en: "Group created", zh: "创建群组" },
  "group.renamed": { en: "Group renamed", zh: "重命名群组" },
  "group.deleted": { en: "Group deleted", zh: "删除群组" },
  "group.member_added": { en: "Added to a group", zh: "加入群组" },
  "group.member_removed": { en: "Removed from a group", zh: "移出群组" },
  "scim.token.create": { en: "SCIM token created", zh: "创建 SCIM 令牌" },
  "scim.token.revoke": { en: "SCIM token revoked", zh: "撤销 SCIM 令牌" },
  "scim.user.create": { en: "Account provisioned by SCIM", zh: "SCIM 创建账户" },
  "scim.user.update": { en: "Account updated by SCIM", zh: "SCIM 更新账户" },
  "scim.user.deactivate": { en: "Account deactivated by SCIM", zh: "SCIM 停用账户" },
  "scim.user.activate": { en: "Account reactivated by SCIM", zh: "SCIM 重新启用账户" },
  "scim.user.delete": { en: "Account deleted by SCIM", zh: "SCIM 删除账户" },
};
