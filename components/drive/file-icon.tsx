import { File, FileArchive, FileAudio, FileCode, FileImage, FileSpreadsheet, FileText, FileVideo, Folder, Presentation } from "lucide-react";

/** An icon and colour per kind of file, from its type and extension. */
export function FileIcon({ kind, mimeType, name, className: size = "size-5" }: { kind: "FILE" | "FOLDER"; mimeType: string | null; name: string; className?: string }) {
  // Never squeezed by a long name beside it.
  const className = `shrink-0 ${size}`;
  if (kind === "FOLDER") return <Folder className={`${className} fill-sky-400/30 text-sky-500`} />;
  const ext = name.split(".").pop()?.toLowerCase() ?? "";
  const m = mimeType ?? "";
  if (m.startsWith("image/")) return <FileImage className={`${className} text-pink-500`} />;
  if (m.startsWith("video/")) return <FileVideo className={`${className} text-violet-500`} />;
  if (m.startsWith("audio/")) return <FileAudio className={`${className} text-amber-500`} />;
  if (m === "application/pdf" || ["doc", "docx", "txt", "md", "rtf", "odt"].includes(ext)) return <FileText className={`${className} text-blue-500`} />;
  if (["xls", "xlsx", "csv", "ods"].includes(ext)) return <FileSpreadsheet className={`${className} text-emerald-600`} />;
  if (["ppt", "pptx", "key", "odp"].includes(ext)) return <Presentation className={`${className} text-orange-500`} />;
  if (["zip", "gz", "tar", "7z", "rar", "bz2", "xz"].includes(ext)) return <FileArchive className={`${className} text-yellow-600`} />;
  if (["js", "ts", "tsx", "py", "go", "rs", "java", "c", "cpp", "json", "html", "css", "sh", "yml", "yaml"].includes(ext)) return <FileCode className={`${className} text-teal-500`} />;
  return <File className={`${className} text-zinc-400`} />;
}
