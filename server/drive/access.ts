import { getPrisma } from "@/server/db/client";
import { AppError, notFound } from "@/server/errors/app-error";
import { grantReachesSql } from "@/server/drive/grant-scope";
import type { Actor } from "@/server/auth/actor";
import type { Node } from "@/server/db/generated/client.ts";

export type Need = "read" | "write";

/**
 * The single access rule for a node: its owner, a member of the team folder that owns it, or a
 * grant (to the caller or to a group they are in) on it or on an ancestor (EDITOR for writes).
 * Anything else, including a node that exists but is not the caller's, is NOT_FOUND, so a foreign
 * id answers exactly like a missing one. Trashed nodes are reachable only by their owner, or by a
 * team folder's editors and managers (the team folder's trash is theirs to restore).
 */
export async function requireNodeAccess(input: { actor: Actor; nodeId: string; need: Need; allowTrashed?: boolean }): Promise<Node> {
  const prisma = await getPrisma();
  const node = await prisma.node.findUnique({ where: { id: input.nodeId } });
  if (!node) throw notFound();
  await requireAccessTo(input.actor, node, input.need, input.allowTrashed);
  return node;
}

/** The same rule for a node the caller has already read (a hot path that reads it in one join). */
export async function requireAccessTo(actor: Actor, node: Pick<Node, "id" | "ownerId" | "trashedAt">, need: Need, allowTrashed = false): Promise<void> {
  if (node.trashedAt && !allowTrashed) throw notFound();
  if (node.ownerId === actor.userId) return;
  const teamRole = await teamRoleOf(actor.userId, node.ownerId);
  if (teamRole) {
    if ((need === "write" || node.trashedAt) && teamRole === "VIEWER") throw notFound();
    return;
  }
  if (node.trashedAt) throw notFound();
  const role = await grantRoleOn(actor.userId, node.id);
  if (!role || (need === "write" && role !== "EDITOR")) throw notFound();
}

/**
 * Renaming, moving or deleting a node changes its parent folder, so a grantee needs edit rights on
 * the parent, not only on the node: the folder someone shared with you (the top of the grant) is
 * theirs to rename, move or delete. Leaving the share removes it from your list instead.
 */
export async function requireParentWritable(actor: Actor, node: Node): Promise<void> {
  if (node.ownerId === actor.userId) return;
  const teamRole = await teamRoleOf(actor.userId, node.ownerId);
  if (teamRole && teamRole !== "VIEWER") return;
  const role = node.parentId ? await grantRoleOn(actor.userId, node.parentId) : null;
  if (role !== "EDITOR") throw new AppError("FORBIDDEN", "share.topNotYours", { name: node.name });
}

/** The strongest grant the user holds (or a group of theirs holds) on the node or any ancestor, in one query. */
async function grantRoleOn(userId: string, nodeId: string): Promise<"VIEWER" | "EDITOR" | null> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ role: "VIEWER" | "EDITOR" }[]>`
    WITH RECURSIVE up AS (
      SELECT id, "parentId" FROM "Node" WHERE id = ${nodeId}
      UNION ALL
      SELECT n.id, n."parentId" FROM "Node" n JOIN up ON n.id = up."parentId"
    )
    SELECT g.role::text AS role FROM "Grant" g JOIN up ON g."nodeId" = up.id WHERE ${grantReachesSql(userId)}`;
  if (rows.some((r) => r.role === "EDITOR")) return "EDITOR";
  return rows.length ? "VIEWER" : null;
}

export type TeamRole = "VIEWER" | "EDITOR" | "MANAGER";
const TEAM_RANK: Record<TeamRole, number> = { VIEWER: 1, EDITOR: 2, MANAGER: 3 };

/**
 * The user's role on the team folder whose TEAM account is `accountId` (null: not a member, or not
 * a team account): the strongest of their own membership and their groups' memberships.
 */
export async function teamRoleOf(userId: string, accountId: string): Promise<TeamRole | null> {
  return (await teamMembershipOf(userId, accountId))?.role ?? null;
}

/** The team folder whose TEAM account is `accountId` and the user's strongest role on it, or null. */
async function teamMembershipOf(userId: string, accountId: string): Promise<{ id: string; role: TeamRole } | null> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ id: string; role: TeamRole }[]>`
    SELECT t.id, m.role::text AS role FROM "TeamFolderMember" m JOIN "TeamFolder" t ON t.id = m."teamFolderId"
    WHERE t."accountId" = ${accountId}
      AND (m."userId" = ${userId} OR m."groupId" IN (SELECT "groupId" FROM "GroupMember" WHERE "userId" = ${userId}))`;
  let best: { id: string; role: TeamRole } | null = null;
  for (const r of rows) if (!best || TEAM_RANK[r.role] > TEAM_RANK[best.role]) best = r;
  return best;
}

export interface FolderCapability {
  /** May upload, make folders, rename, move and delete in it (the same answer as a write check). */
  canWrite: boolean;
  /**
   * May share what is in it: the owner, and a team folder's managers (links). An editor through
   * a grant or a team role writes but does not pass access on (share-link and grant services).
   */
  canShare: boolean;
  /** The team folder it belongs to and the caller's role there; null outside team folders. */
  teamFolder: { id: string; role: TeamRole } | null;
}

/**
 * What the caller may do in a folder they can read, so the interface offers only that. It follows
 * `requireAccessTo` (owner, team role, then grants); every action is still checked on its own.
 */
export async function folderCapabilityOf(actor: Actor, node: Pick<Node, "id" | "ownerId">): Promise<FolderCapability> {
  if (node.ownerId === actor.userId) return { canWrite: true, canShare: true, teamFolder: null };
  const team = await teamMembershipOf(actor.userId, node.ownerId);
  if (team) return { canWrite: team.role !== "VIEWER", canShare: team.role === "MANAGER", teamFolder: team };
  return { canWrite: (await grantRoleOn(actor.userId, node.id)) === "EDITOR", canShare: false, teamFolder: null };
}

/** What the caller may do to an item listed outside its folder: what they may do in that folder. */
export type ItemAccess = Pick<FolderCapability, "canWrite" | "canShare">;
export const NO_ACCESS: ItemAccess = { canWrite: false, canShare: false };

/**
 * `folderCapabilityOf` for the folders of a page of items gathered from anywhere (search, recent,
 * starred), in a few queries: the folders' owners, one team lookup per owner, and every grant
 * walk in one recursive query. Keyed by folder id; a folder the caller cannot read gets no rights.
 */
export async function folderAccessOf(actor: Actor, folderIds: string[]): Promise<Map<string, ItemAccess>> {
  const out = new Map<string, ItemAccess>();
  const ids = [...new Set(folderIds)];
  if (!ids.length) return out;
  const prisma = await getPrisma();
  const folders = await prisma.node.findMany({ where: { id: { in: ids } }, select: { id: true, ownerId: true } });
  const teams = new Map<string, Promise<{ role: TeamRole } | null>>();
  const granted: string[] = [];
  for (const f of folders) {
    if (f.ownerId === actor.userId) {
      out.set(f.id, { canWrite: true, canShare: true });
      continue;
    }
    if (!teams.has(f.ownerId)) teams.set(f.ownerId, teamMembershipOf(actor.userId, f.ownerId));
    const team = await teams.get(f.ownerId)!;
    if (team) out.set(f.id, { canWrite: team.role !== "VIEWER", canShare: team.role === "MANAGER" });
    else granted.push(f.id);
  }
  if (granted.length) {
    const rows = await prisma.$queryRaw<{ origin: string; role: "VIEWER" | "EDITOR" }[]>`
      WITH RECURSIVE up AS (
        SELECT id AS origin, id, "parentId" FROM "Node" WHERE id = ANY(${granted}::text[])
        UNION ALL
        SELECT up.origin, n.id, n."parentId" FROM "Node" n JOIN up ON n.id = up."parentId"
      )
      SELECT up.origin, g.role::text AS role FROM "Grant" g JOIN up ON g."nodeId" = up.id WHERE ${grantReachesSql(actor.userId)}`;
    for (const r of rows) if (r.role === "EDITOR" || !out.has(r.origin)) out.set(r.origin, { canWrite: r.role === "EDITOR", canShare: false });
  }
  for (const id of ids) if (!out.has(id)) out.set(id, NO_ACCESS);
  return out;
}

/**
 * The TEAM account behind a team folder the user may act on with `need` (a trash listing or
 * emptying is a write: viewers do not see the team's trash). Not a member: NOT_FOUND.
 */
export async function requireTeamAccount(actor: Actor, teamFolderId: string, need: Need): Promise<string> {
  const prisma = await getPrisma();
  const team = await prisma.teamFolder.findUnique({ where: { id: teamFolderId }, select: { accountId: true } });
  const role = team ? await teamRoleOf(actor.userId, team.accountId) : null;
  if (!team || !role || (need === "write" && role === "VIEWER")) throw notFound();
  return team.accountId;
}

/** The team folders the user is a member of (themself or through a group): TEAM account id → name. */
export async function teamDrivesOf(userId: string): Promise<Map<string, string>> {
  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<{ accountId: string; name: string }[]>`
    SELECT DISTINCT t."accountId", t.name FROM "TeamFolder" t JOIN "TeamFolderMember" m ON m."teamFolderId" = t.id
    WHERE m."userId" = ${userId} OR m."groupId" IN (SELECT "groupId" FROM "GroupMember" WHERE "userId" = ${userId})`;
  return new Map(rows.map((r) => [r.accountId, r.name]));
}
