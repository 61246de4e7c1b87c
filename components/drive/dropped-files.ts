"use client";

/** A file to upload, with the folders it sits in relative to what was dropped ("" for none). */
export type DroppedFile = File & { relativePath: string };

/**
 * The files of a drop, walking dropped folders (the File System entries API), so a whole tree
 * can be dropped and its structure recreated on the server.
 */
export async function filesFromDrop(data: DataTransfer): Promise<DroppedFile[]> {
  const entries = Array.from(data.items)
    .map((i) => (i.kind === "file" ? i.webkitGetAsEntry() : null))
    .filter((e): e is FileSystemEntry => e !== null);
  if (!entries.length) return Array.from(data.files).map((f) => Object.assign(f, { relativePath: "" }));
  const out: DroppedFile[] = [];
  const walk = async (entry: FileSystemEntry, dir: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push(Object.assign(file, { relativePath: dir }));
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    // readEntries returns at most ~100 entries a call: read until it returns none.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
      if (!batch.length) break;
      for (const child of batch) await walk(child, path);
    }
  };
  for (const e of entries) await walk(e, "");
  return out;
}
