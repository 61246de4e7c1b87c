import { Prisma } from "@/server/db/generated/client.ts";

// Which grants reach a user, in one place for every path that reads grants (access, listings,
// search, WebDAV, the change feed): a grant to them, or to a group they are in. Membership is read
// with each query, never cached, so joining or leaving a group counts at once on every replica.

/** Prisma filter on Grant: the grants that reach `userId`. */
export function grantsReaching(userId: string): Prisma.GrantWhereInput {
  return { OR: [{ granteeId: userId }, { group: { members: { some: { userId } } } }] };
}

/** SQL condition on "Grant" aliased `g`: the grant reaches `userId`. */
export function grantReachesSql(userId: string): Prisma.Sql {
  return Prisma.sql`(g."granteeId" = ${userId} OR g."groupId" IN (SELECT gm."groupId" FROM "GroupMember" gm WHERE gm."userId" = ${userId}))`;
}
