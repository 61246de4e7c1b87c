import type { Writable } from "node:stream";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { requireNodeAccess } from "@/server/drive/access";
import { selectNodesSchema } from "@/server/drive/drive.schemas";
import { getBlobStore } from "@/server/storage/blob-store-factory";
import { writeZip, zipLength, type ZipEntry } from "@/server/drive/zip-writer";
import { uniqueZipSegments } from "@/server/drive/zip-names";
import type { Actor } from "@/server/auth/actor";
import type { Node } from "@/server/db/generated/client.ts";

export interface PreparedZip {
  /** "<folder>.zip" for one folder, "download.zip" otherwise. */
  filename: string;
  entries: ZipEntry[];
  /** Exact length of the archive in bytes. */
  size: number;
}

interface TreeRow {
  id: string;
  parentId: string | null;
  kind: "FILE" | "FOLDER";
  name: string;
  rootOwnerId: string | null;
  updatedAt: Date;
  size: bigint | null;
  storageKey: string | null;
}

/**
 * Plans the archive for a folder or a selection of siblings: checks access to every id, then lists
 * the live subtree with each file's current blob. Paths come from the tree, each name made safe
 * and unique among its siblings (zip-names.ts), so an archive never holds a name twice nor one
 * that climbs out; every folder gets an entry, so empty ones survive. Selecting one's root folder
 * archives its contents.
 */
export async function prepareZip(input: { actor: Actor; nodeIds: string[] }): Promise<PreparedZip> {
  const { nodeIds } = selectNodesSchema.parse(input);
  const selected: Node[] = [];
  for (const id of new Set(nodeIds)) selected.push(await requireNodeAccess({ actor: input.actor, nodeId: id, need: "read" }));
  return prepareZipOfNodes(selected);
}

/** The archive of nodes the caller has already authorised (a share link confines them itself). */
export async function prepareZipOfNodes(selected: Node[]): Promise<PreparedZip> {
  if (new Set(selected.map((n) => n.parentId)).size > 1) throw new AppError("BAD_REQUEST", "zip.sameParent");

  const prisma = await getPrisma();
  const rows = await prisma.$queryRaw<TreeRow[]>`
    WITH RECURSIVE down AS (
      SELECT id, "parentId", kind::text AS kind, name, "rootOwnerId", "updatedAt", "currentVersionId", 0 AS depth
      FROM "Node" WHERE id = ANY(${selected.map((n) => n.id)}::text[]) AND "trashedAt" IS NULL
      UNION ALL
      SELECT n.id, n."parentId", n.kind::text, n.name, n."rootOwnerId", n."updatedAt", n."currentVersionId", down.depth + 1
      FROM "Node" n JOIN down ON n."parentId" = down.id WHERE n."trashedAt" IS NULL
    )
    SELECT d.id, d."parentId", d.kind, d.name, d."rootOwnerId", d."updatedAt", v.size, b."storageKey"
    FROM down d
    LEFT JOIN "FileVersion" v ON v.id = d."currentVersionId"
    LEFT JOIN "Blob" b ON b.id = v."blobId"
    -- A quarantined file's bytes are never served: the archive leaves it out.
    WHERE b.integrity IS DISTINCT FROM 'QUARANTINED'
    ORDER BY d.depth`;

  const store = getBlobStore();
  // Children by parent; the selected nodes (whose parent is outside the set) share one level.
  const ids = new Set(rows.map((r) => r.id));
  const TOP = "";
  const childrenOf = new Map<string, TreeRow[]>();
  for (const r of rows) {
    const key = r.parentId !== null && ids.has(r.parentId) ? r.parentId : TOP;
    childrenOf.set(key, [...(childrenOf.get(key) ?? []), r]);
  }
  const entries: ZipEntry[] = [];
  const place = (siblings: TreeRow[], parentPath: string) => {
    siblings.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : 1));
    const names = uniqueZipSegments(siblings.map((r) => r.name));
    siblings.forEach((r, i) => {
      // A selected root folder contributes its contents only.
      if (r.rootOwnerId !== null) return place(childrenOf.get(r.id) ?? [], parentPath);
      const path = parentPath ? `${parentPath}/${names[i]}` : names[i]!;
      if (r.kind === "FOLDER") {
        entries.push({ path, kind: "dir", size: 0, modifiedAt: r.updatedAt });
        place(childrenOf.get(r.id) ?? [], path);
      } else {
        const storageKey = r.storageKey;
        entries.push({ path, kind: "file", size: Number(r.size ?? 0n), modifiedAt: r.updatedAt, open: storageKey ? () => store.openChunks(storageKey) : undefined });
      }
    });
  };
  place(childrenOf.get(TOP) ?? [], "");
  // Folder by folder, parents before their contents, as archive tools list them.
  entries.sort((a, b) => comparePaths(a.path, b.path));
  const only = selected.length === 1 ? selected[0]! : null;
  const filename = only && only.kind === "FOLDER" && only.rootOwnerId === null ? `${only.name}.zip` : "download.zip";
  return { filename, entries, size: zipLength(entries) };
}

function comparePaths(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
  }
  return x.length - y.length;
}

/** Streams a ZIP of the nodes to `out` (and ends it); access is checked before the first byte. */
export async function streamZip(input: { actor: Actor; nodeIds: string[]; out: Writable }): Promise<PreparedZip> {
  const zip = await prepareZip(input);
  await writeZip(input.out, zip.entries);
  return zip;
}
