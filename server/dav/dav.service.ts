import { randomBytes, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { Upload } from "@tus/utils";
import { getPrisma } from "@/server/db/client";
import { grantsReaching } from "@/server/drive/grant-scope";
import { AppError } from "@/server/errors/app-error";
import { getRootFolderOrThrow } from "@/server/drive/drive.service";
import { requireNodeAccess, teamDrivesOf } from "@/server/drive/access";
import { getTus } from "@/server/upload/tus-server";
import { HashingFileStore } from "@/server/upload/hashing-file-store";
import { completeUpload, createUploadSession, declareUploadLength, failUpload, markUploadAborted } from "@/server/upload/upload.service";
import { getEnv } from "@/server/env";
import type { Actor } from "@/server/auth/actor";
import type { DavLock, Node } from "@/server/db/generated/client.ts";
import type { PropName } from "@/server/dav/dav-xml";

/** Children are read and written out this many at a time, so a 100k-entry folder stays in bounded memory. */
export const LIST_BATCH = 1000;

/** The virtual folder at the top of /dav/ that holds what others shared with the caller (grants). */
export const SHARED_FOLDER = "Shared with me";
export const SHARED_ID = "shared-with-me";
/** The virtual folder at the top of /dav/ that holds the caller's team folders, by their names. */
export const TEAMS_FOLDER = "Team folders";
export const TEAMS_ID = "team-folders";

/** The virtual folders: listed, never made, moved, changed or deleted, nothing put directly in them. */
export const isVirtualFolder = (id: string | undefined | null) => id === SHARED_ID || id === TEAMS_ID;

export interface Resolved {
  /** The node at the path, or null when nothing lives there. */
  node: Node | null;
  /** The folder that holds (or would hold) the path; null for the root or a missing ancestor. */
  parent: Node | null;
  /** The shared folder itself and the items directly in it: they cannot be made, moved or deleted here. */
  fixed?: boolean;
}

/** Whether someone else shared something with the user (a group of theirs may hold a share of their own node). */
async function hasGrants(userId: string): Promise<boolean> {
  const prisma = await getPrisma();
  return (await prisma.grant.count({ where: { ...grantsReaching(userId), node: { trashedAt: null, ownerId: { not: userId } } } })) > 0;
}

/** A folder that exists only over WebDAV: it lists the caller's grants and cannot be changed. */
function sharedFolderNode(root: Node): Node {
  return { ...root, id: SHARED_ID, parentId: root.id, name: SHARED_FOLDER, liveName: SHARED_FOLDER, rootOwnerId: null, currentVersionId: null, size: 0n, mimeType: null };
}

function teamsFolderNode(root: Node): Node {
  return { ...sharedFolderNode(root), id: TEAMS_ID, name: TEAMS_FOLDER, liveName: TEAMS_FOLDER };
}

/** The root folders of the caller's team folders, each shown under its team folder's name. */
async function teamRoots(userId: string): Promise<Node[]> {
  const teams = await teamDrivesOf(userId);
  if (teams.size === 0) return [];
  const prisma = await getPrisma();
  const roots = await prisma.node.findMany({ where: { rootOwnerId: { in: [...teams.keys()] } } });
  return roots.map((r) => ({ ...r, name: teams.get(r.ownerId)!, liveName: teams.get(r.ownerId)! })).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Walks a drive-relative path from the caller's root, one indexed lookup per segment among live
 * siblings. The walk starts at the caller's own root, so nobody else's node is ever reachable: a
 * path into another drive is simply a path that does not exist. Under "Shared with me" it starts at
 * the nodes granted to the caller (the drive services then check the grant's role on every action).
 */
export async function resolveDavPath(input: { actor: Actor; segments: string[] }): Promise<Resolved> {
  const prisma = await getPrisma();
  const root = await getRootFolderOrThrow(input.actor);
  const { segments } = input;
  if (segments[0] === SHARED_FOLDER && (await hasGrants(input.actor.userId))) {
    const shared = sharedFolderNode(root);
    if (segments.length === 1) return { node: shared, parent: root, fixed: true };
    const grant = await prisma.grant.findFirst({
      where: { ...grantsReaching(input.actor.userId), node: { trashedAt: null, ownerId: { not: input.actor.userId }, name: segments[1] } },
      include: { node: true },
      orderBy: { createdAt: "asc" },
    });
    if (!grant) return { node: null, parent: segments.length === 2 ? shared : null, fixed: true };
    if (segments.length === 2) return { node: grant.node, parent: shared, fixed: true };
    return walk(grant.node, segments.slice(2), grant.node);
  }
  if (segments[0] === TEAMS_FOLDER) {
    const teams = await teamRoots(input.actor.userId);
    if (teams.length) {
      const folder = teamsFolderNode(root);
      if (segments.length === 1) return { node: folder, parent: root, fixed: true };
      const team = teams.find((r) => r.name === segments[1]);
      if (!team) return { node: null, parent: segments.length === 2 ? folder : null, fixed: true };
      if (segments.length === 2) return { node: team, parent: folder, fixed: true };
      return walk(team, segments.slice(2), team);
    }
  }
  return walk(root, segments, null);
}

async function walk(start: Node, segments: string[], startParent: Node | null): Promise<Resolved> {
  const prisma = await getPrisma();
  let current = start;
  let parent = startParent;
  for (let i = 0; i < segments.length; i++) {
    if (current.kind !== "FOLDER") return { node: null, parent: null };
    const next = await prisma.node.findUnique({ where: { parentId_liveName: { parentId: current.id, liveName: segments[i]! } } });
    if (!next) return { node: null, parent: i === segments.length - 1 ? current : null };
    parent = current;
    current = next;
  }
  return { node: current, parent };
}

export interface DavEntry {
  node: Node;
  sha256: string | null;
  deadProps: { namespace: string; name: string; value: string }[] | null;
}

/** One node with what PROPFIND shows of it. */
export async function davEntryOf(node: Node, withDeadProps: boolean): Promise<DavEntry> {
  const prisma = await getPrisma();
  if (isVirtualFolder(node.id)) return { node, sha256: null, deadProps: [] };
  const version = node.currentVersionId
    ? await prisma.fileVersion.findUnique({ where: { id: node.currentVersionId }, select: { blob: { select: { sha256: true } } } })
    : null;
  const deadProps = withDeadProps ? await prisma.davProperty.findMany({ where: { nodeId: node.id } }) : null;
  return { node, sha256: version?.blob.sha256 ?? null, deadProps };
}

/** The virtual folders' entries in the root listing: "Shared with me" and "Team folders", when not empty. */
export async function virtualFolderEntries(actor: Actor, root: Node): Promise<DavEntry[]> {
  if (root.rootOwnerId !== actor.userId) return [];
  const out: DavEntry[] = [];
  if (await hasGrants(actor.userId)) out.push({ node: sharedFolderNode(root), sha256: null, deadProps: [] });
  if ((await teamDrivesOf(actor.userId)).size) out.push({ node: teamsFolderNode(root), sha256: null, deadProps: [] });
  return out;
}

/** A folder's live children in batches, in the (parentId, kind, name, id) index's order. */
export async function* listDavChildren(input: { actor: Actor; folderId: string; withDeadProps: boolean }): AsyncGenerator<DavEntry[]> {
  const prisma = await getPrisma();
  if (input.folderId === TEAMS_ID) {
    const roots = await teamRoots(input.actor.userId);
    if (roots.length) yield roots.map((n) => ({ node: n, sha256: null, deadProps: [] }));
    return;
  }
  if (input.folderId === SHARED_ID) {
    const grants = await prisma.grant.findMany({
      where: { ...grantsReaching(input.actor.userId), node: { trashedAt: null, ownerId: { not: input.actor.userId } } },
      include: { node: { include: { currentVersion: { select: { blob: { select: { sha256: true } } } } } } },
      orderBy: { createdAt: "asc" },
    });
    // Two shared items with one name: the first one shared is the one a path reaches.
    const seen = new Set<string>();
    const nodes = grants.map((g) => g.node).filter((n) => !seen.has(n.name) && seen.add(n.name));
    if (nodes.length) yield nodes.map((n) => ({ node: n, sha256: n.currentVersion?.blob.sha256 ?? null, deadProps: [] }));
    return;
  }
  // Folders first, then files, each by (name, id) with a keyset: `name >= last` bounds the index
  // range (parentId, kind, name, id), so every page costs the same however deep into the folder.
  for (const kind of ["FOLDER", "FILE"] as const) {
    let last: { name: string; id: string } | null = null;
    for (;;) {
      const rows: (Node & { currentVersion: { blob: { sha256: string } } | null; davProperties?: { namespace: string; name: string; value: string }[] })[] =
        await prisma.node.findMany({
          where: {
            parentId: input.folderId,
            kind,
            trashedAt: null,
            ...(last ? { name: { gte: last.name }, OR: [{ name: { gt: last.name } }, { id: { gt: last.id } }] } : {}),
          },
          orderBy: [{ name: "asc" }, { id: "asc" }],
          take: LIST_BATCH,
          include: { currentVersion: { select: { blob: { select: { sha256: true } } } }, ...(input.withDeadProps ? { davProperties: true } : {}) },
        });
      if (rows.length) yield rows.map((r) => ({ node: r, sha256: r.currentVersion?.blob.sha256 ?? null, deadProps: r.davProperties ?? null }));
      if (rows.length < LIST_BATCH) break;
      const tail = rows.at(-1)!;
      last = { name: tail.name, id: tail.id };
    }
  }
}

export async function deadPropsOf(nodeId: string) {
  const prisma = await getPrisma();
  return prisma.davProperty.findMany({ where: { nodeId } });
}

/** PROPPATCH's dead-property changes, all or nothing, in document order. */
export async function patchDeadProps(input: { actor: Actor; nodeId: string; ops: { op: "set" | "remove"; prop: PropName; value: string }[] }) {
  await requireNodeAccess({ actor: input.actor, nodeId: input.nodeId, need: "write" });
  const prisma = await getPrisma();
  await prisma.$transaction(async (tx) => {
    for (const { op, prop, value } of input.ops) {
      const id = { nodeId: input.nodeId, namespace: prop.ns, name: prop.name };
      if (op === "remove") await tx.davProperty.deleteMany({ where: id });
      else await tx.davProperty.upsert({ where: { nodeId_namespace_name: id }, create: { ...id, value }, update: { value } });
    }
  });
}

/** COPY takes the dead properties along (RFC 4918 §9.8.2). */
export async function copyDeadProps(input: { actor: Actor; fromId: string; toId: string }) {
  await requireNodeAccess({ actor: input.actor, nodeId: input.toId, need: "write" });
  const prisma = await getPrisma();
  const props = await prisma.davProperty.findMany({ where: { nodeId: input.fromId } });
  if (props.length) await prisma.davProperty.createMany({ data: props.map((p) => ({ ...p, nodeId: input.toId })), skipDuplicates: true });
}

/**
 * PUT: the body streams through the tus upload store (hashing as it goes, straight into S3
 * multipart parts or a local file), then commits like a finished tus upload: quota, names, a new
 * version when the file exists. Nothing is buffered whole.
 */
export async function putDavFile(input: {
  actor: Actor;
  parentId: string;
  filename: string;
  size: number | null;
  body: Readable;
  mimeType: string | null;
}): Promise<{ nodeId: string; sha256: string; created: boolean }> {
  const prisma = await getPrisma();
  const existing = await prisma.node.findUnique({ where: { parentId_liveName: { parentId: input.parentId, liveName: input.filename } } });
  if (existing?.kind === "FOLDER") throw new AppError("CONFLICT", "name.taken", { name: input.filename });
  // S3 multipart needs to know where the upload ends; a body of unknown length is refused there.
  if (input.size === null && getEnv().storage === "s3") throw new AppError("BAD_REQUEST", "dav.lengthRequired");
  const { store } = getTus();
  const uploadId = randomBytes(16).toString("hex");
  await createUploadSession({ actor: input.actor, uploadId, size: input.size, metadata: { filename: input.filename, parentId: input.parentId } });
  let committed = false;
  try {
    await store.create(new Upload({ id: uploadId, size: input.size ?? undefined, offset: 0, metadata: { filename: input.filename } }));
    const end = await store.write(input.body, uploadId, 0);
    if (input.size !== null && end !== input.size) throw new AppError("BAD_REQUEST", "upload.sizeMismatch");
    // A body of unknown length is charged now that its length is known (quota check included).
    if (input.size === null) await declareUploadLength({ uploadId, size: end });
    const { sha256 } = await store.digest(uploadId, end);
    const node = await completeUpload({ uploadId, filePath: store.uploadRef(uploadId).localPath, sha256, size: end, mimeType: input.mimeType });
    committed = true;
    // The blob store owns the bytes now; nothing of the upload needs to stay behind.
    if (store instanceof HashingFileStore) await store.discard(uploadId);
    else await store.releaseCommitted(uploadId, end);
    return { nodeId: node.id, sha256, created: !existing };
  } catch (e) {
    if (!committed) {
      await (e instanceof AppError ? failUpload(uploadId, e.key) : markUploadAborted(uploadId)).catch(() => {});
      await store.discard(uploadId).catch(() => {});
    }
    throw e;
  }
}

// ---- Locks (class 2). Paths are drive-relative ("" is the root), so they are per user. ----

export const MAX_LOCK_SECONDS = 24 * 3600;

export async function activeLocks(userId: string): Promise<DavLock[]> {
  const prisma = await getPrisma();
  const now = new Date();
  await prisma.davLock.deleteMany({ where: { userId, expiresAt: { lte: now } } });
  return prisma.davLock.findMany({ where: { userId }, orderBy: { createdAt: "asc" } });
}

export async function createDavLock(input: { actor: Actor; path: string; depth: 0 | -1; exclusive: boolean; owner: string | null; seconds: number }) {
  const prisma = await getPrisma();
  return prisma.davLock.create({
    data: {
      token: `opaquelocktoken:${randomUUID()}`,
      userId: input.actor.userId,
      path: input.path,
      depth: input.depth,
      exclusive: input.exclusive,
      owner: input.owner,
      expiresAt: new Date(Date.now() + input.seconds * 1000),
    },
  });
}

export async function refreshDavLock(input: { actor: Actor; token: string; seconds: number }) {
  const prisma = await getPrisma();
  return prisma.davLock.update({ where: { token: input.token, userId: input.actor.userId }, data: { expiresAt: new Date(Date.now() + input.seconds * 1000) } });
}

export async function deleteDavLock(input: { actor: Actor; token: string }): Promise<boolean> {
  const prisma = await getPrisma();
  const { count } = await prisma.davLock.deleteMany({ where: { token: input.token, userId: input.actor.userId } });
  return count > 0;
}

/** Locks do not follow a resource that is moved or deleted (RFC 4918 §7.5). */
export async function deleteDavLocksUnder(input: { actor: Actor; path: string }) {
  const prisma = await getPrisma();
  await prisma.davLock.deleteMany({
    where: { userId: input.actor.userId, OR: [{ path: input.path }, { path: { startsWith: input.path + "/" } }] },
  });
}
