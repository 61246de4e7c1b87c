import { createTRPCRouter, protectedProcedure } from "@/server/trpc/init";
import {
  contentUrlSchema,
  copyNodesSchema,
  createFolderSchema,
  listFolderSchema,
  moveNodesSchema,
  nodeRefSchema,
  pageSchema,
  trashPageSchema,
  trashScopeSchema,
  renameNodeSchema,
  searchSchema,
  selectNodesSchema,
  versionRefSchema,
} from "@/server/drive/drive.schemas";
import { createFolder, listFolder } from "@/server/drive/drive.service";
import { copyNodes, moveNodes, renameNode, trashNodes } from "@/server/drive/tree.service";
import { emptyTrash, listTrash, purgeNodes, restoreNodes } from "@/server/drive/trash.service";
import { deleteVersion, listVersions, restoreVersion } from "@/server/drive/versions.service";
import { searchNodes } from "@/server/drive/search.service";
import { listStarred, starNode, unstarNode } from "@/server/drive/starred.service";
import { listRecent } from "@/server/drive/recent.service";
import { getContentUrl } from "@/server/drive/signed-content";
import { getSettings } from "@/server/settings/settings.service";

export const driveRouter = createTRPCRouter({
  list: protectedProcedure.input(listFolderSchema).query(({ input, ctx }) => listFolder({ actor: ctx.actor, ...input })),
  createFolder: protectedProcedure.input(createFolderSchema).mutation(({ input, ctx }) => createFolder({ actor: ctx.actor, ...input })),

  rename: protectedProcedure.input(renameNodeSchema).mutation(({ input, ctx }) => renameNode({ actor: ctx.actor, ...input })),
  move: protectedProcedure.input(moveNodesSchema).mutation(({ input, ctx }) => moveNodes({ actor: ctx.actor, ...input })),
  copy: protectedProcedure.input(copyNodesSchema).mutation(({ input, ctx }) => copyNodes({ actor: ctx.actor, ...input })),
  trash: protectedProcedure.input(selectNodesSchema).mutation(({ input, ctx }) => trashNodes({ actor: ctx.actor, ...input })),

  listTrash: protectedProcedure.input(trashPageSchema).query(({ input, ctx }) => listTrash({ actor: ctx.actor, ...input })),
  restore: protectedProcedure.input(selectNodesSchema).mutation(({ input, ctx }) => restoreNodes({ actor: ctx.actor, ...input })),
  purge: protectedProcedure.input(selectNodesSchema).mutation(({ input, ctx }) => purgeNodes({ actor: ctx.actor, ...input })),
  emptyTrash: protectedProcedure.input(trashScopeSchema).mutation(({ input, ctx }) => emptyTrash({ actor: ctx.actor, ...input })),
  /** How long deleted items stay in the trash before the purge job deletes them for good. */
  trashInfo: protectedProcedure.query(async () => ({ trashDays: (await getSettings()).trashDays })),

  versions: protectedProcedure.input(nodeRefSchema).query(({ input, ctx }) => listVersions({ actor: ctx.actor, ...input })),
  restoreVersion: protectedProcedure.input(versionRefSchema).mutation(({ input, ctx }) => restoreVersion({ actor: ctx.actor, ...input })),
  deleteVersion: protectedProcedure.input(versionRefSchema).mutation(({ input, ctx }) => deleteVersion({ actor: ctx.actor, ...input })),

  search: protectedProcedure.input(searchSchema).query(({ input, ctx }) => searchNodes({ actor: ctx.actor, ...input })),
  star: protectedProcedure.input(nodeRefSchema).mutation(({ input, ctx }) => starNode({ actor: ctx.actor, ...input })),
  unstar: protectedProcedure.input(nodeRefSchema).mutation(({ input, ctx }) => unstarNode({ actor: ctx.actor, ...input })),
  starred: protectedProcedure.input(pageSchema).query(({ input, ctx }) => listStarred({ actor: ctx.actor, ...input })),
  recent: protectedProcedure.input(pageSchema).query(({ input, ctx }) => listRecent({ actor: ctx.actor, ...input })),
  // After this one access check the bytes come from the returned URL with no database query.
  contentUrl: protectedProcedure.input(contentUrlSchema).query(({ input, ctx }) => getContentUrl({ actor: ctx.actor, ...input })),
});
