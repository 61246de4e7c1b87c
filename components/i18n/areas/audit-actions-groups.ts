// Readable names of the groups' audit actions (Admin → Groups, single sign-on, SCIM).
export const groupAuditActionLabels: Record<string, { en: string; zh: string }> = {
  "group.created": { en: "Group created", zh: "创建群组" },
  "group.renamed": { en: "Group renamed", zh: "重命名群组" },
  "group.deleted": { en: "Group deleted", zh: "删除群组" },
  "group.member_added": { en: "Added to a group", zh: "加入群组" },
  "group.member_removed": { en: "Removed from a group", zh: "移出群组" },
};
