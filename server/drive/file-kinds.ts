import { Prisma } from "@/server/db/generated/client.ts";
import type { SearchKind } from "@/server/drive/drive.schemas";

type FileKind = Exclude<SearchKind, "folder">;

/**
 * How a file's kind is told for the search filter: by its MIME type (what the upload recorded) or,
 * when that is vague (application/octet-stream), by its extension.
 */
export const FILE_KINDS: Record<FileKind, { mimePrefixes: string[]; mimeTypes: string[]; extensions: string[] }> = {
  image: { mimePrefixes: ["image/"], mimeTypes: [], extensions: ["jpg", "jpeg", "png", "gif", "webp", "bmp", "svg", "heic", "heif", "avif", "tif", "tiff", "ico", "raw", "cr2", "nef", "dng"] },
  video: { mimePrefixes: ["video/"], mimeTypes: [], extensions: ["mp4", "m4v", "mkv", "mov", "avi", "webm", "wmv", "flv", "3gp", "mpg", "mpeg", "rmvb"] },
  audio: { mimePrefixes: ["audio/"], mimeTypes: [], extensions: ["mp3", "wav", "flac", "aac", "ogg", "oga", "m4a", "wma", "opus", "ape", "amr"] },
  document: {
    mimePrefixes: ["text/", "application/vnd.openxmlformats-officedocument.", "application/vnd.oasis.opendocument.", "application/vnd.ms-"],
    mimeTypes: ["application/pdf", "application/msword", "application/rtf", "application/epub+zip", "application/json", "application/xml"],
    extensions: ["pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "txt", "md", "csv", "rtf", "epub", "pages", "numbers", "key", "wps", "et", "dps"],
  },
  archive: {
    mimePrefixes: [],
    mimeTypes: ["application/zip", "application/gzip", "application/x-tar", "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed", "application/x-bzip2", "application/x-xz", "application/zstd"],
    extensions: ["zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "zst"],
  },
};

/** The lower-cased extension of a file name ("" for none or a leading-dot name). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
}

/** Pure twin of the SQL filter below, for tests and the client. */
export function isOfKind(kind: FileKind, name: string, mimeType: string | null): boolean {
  const k = FILE_KINDS[kind];
  const mime = (mimeType ?? "").toLowerCase();
  return k.mimePrefixes.some((p) => mime.startsWith(p)) || k.mimeTypes.includes(mime) || k.extensions.includes(extensionOf(name));
}

/** The WHERE fragment (on table "Node") for a search kind. */
export function kindFilterSql(kind: SearchKind): Prisma.Sql {
  if (kind === "folder") return Prisma.sql`kind = 'FOLDER'`;
  const k = FILE_KINDS[kind];
  const prefixes = k.mimePrefixes.map((p) => `${p}%`);
  const ext = Prisma.sql`lower(substring(name from '.\\.([^.]+)$'))`;
  return Prisma.sql`(kind = 'FILE' AND (lower("mimeType") LIKE ANY(${prefixes}::text[]) OR lower("mimeType") = ANY(${k.mimeTypes}::text[]) OR ${ext} = ANY(${k.extensions}::text[])))`;
}
