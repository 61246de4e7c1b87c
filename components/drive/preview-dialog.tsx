"use client";
import { useEffect, useEffectEvent, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from "react";
import clsx from "clsx";
import { ChevronLeft, ChevronRight, Download, FileWarning, Loader2, X } from "lucide-react";
import { FileIcon } from "@/components/drive/file-icon";
import { formatBytes } from "@/server/i18n/messages";
import { useT } from "@/components/i18n/i18n-provider";

export interface PreviewNode {
  id: string;
  name: string;
  mimeType: string | null;
  size: number;
}

export type PreviewKind = "image" | "video" | "audio" | "pdf" | "text" | "none";

/** A text preview reads at most this much of the file, with a Range request. */
const TEXT_LIMIT = 1024 * 1024;
/** Above this the text is shown without colours: the tokenizer is cheap, the spans are not. */
const HIGHLIGHT_LIMIT = 256 * 1024;

const IMAGE_EXT = ["png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "svg", "ico"];
const VIDEO_EXT = ["mp4", "m4v", "webm", "ogv", "mov"];
const AUDIO_EXT = ["mp3", "m4a", "aac", "ogg", "oga", "opus", "wav", "flac", "weba"];
const CODE_LANG: Record<string, Lang> = {
  ...Object.fromEntries(
    ["js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "java", "c", "h", "cpp", "cc", "hpp", "cs", "go", "rs", "swift", "kt", "kts", "scala", "php", "dart", "css", "scss", "less"].map(
      (e) => [e, "c"],
    ),
  ),
  ...Object.fromEntries(["py", "rb", "sh", "bash", "zsh", "fish", "yml", "yaml", "toml", "ini", "cfg", "conf", "env", "r", "pl", "dockerfile", "mk", "makefile", "gitignore"].map((e) => [e, "hash"])),
  ...Object.fromEntries(["html", "htm", "xhtml", "xml", "svg", "vue", "svelte", "plist"].map((e) => [e, "markup"])),
  json: "json",
  jsonc: "c",
  sql: "sql",
};
const PLAIN_EXT = ["txt", "text", "md", "markdown", "csv", "tsv", "log", "rst", "tex", "srt", "vtt", "properties", "lock"];

function extensionOf(name: string) {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : name.toLowerCase();
}

/** How a file can be shown in the browser, from its type and, when that is vague, its extension. */
export function previewKindOf(name: string, mimeType: string | null): PreviewKind {
  const mime = (mimeType ?? "").split(";")[0]!.trim().toLowerCase();
  const ext = extensionOf(name);
  if (mime === "application/pdf" || ext === "pdf") return "pdf";
  // An SVG is shown through <img>, where its scripts never run.
  if (/^image\/(png|jpeg|gif|webp|avif|bmp|svg\+xml|x-icon|vnd\.microsoft\.icon)$/.test(mime) || IMAGE_EXT.includes(ext)) return "image";
  if (/^video\/(mp4|webm|ogg|quicktime)$/.test(mime)) return "video";
  if (/^audio\/(mpeg|mp3|mp4|x-m4a|aac|ogg|opus|wav|x-wav|wave|webm|flac|x-flac)$/.test(mime)) return "audio";
  if (VIDEO_EXT.includes(ext)) return "video";
  if (AUDIO_EXT.includes(ext)) return "audio";
  if (Object.hasOwn(CODE_LANG, ext) || PLAIN_EXT.includes(ext)) return "text";
  if (mime.startsWith("text/") || /^application\/(json|xml|javascript|x-javascript|x-sh|x-yaml|yaml|toml|sql|x-httpd-php|ld\+json)$/.test(mime)) return "text";
  return "none";
}

const subscribeNever = () => () => {};

/**
 * A full-screen look at one file: images (click to zoom), video and audio (streamed with ranges),
 * PDFs in a frame sandboxed by the server's CSP, the first megabyte of text with line numbers.
 * Escape closes, ←/→ move to the neighbouring files when the caller gives `onPrev`/`onNext`.
 */
export function PreviewDialog({ node, onClose, onPrev, onNext }: { node: PreviewNode; onClose: () => void; onPrev?: () => void; onNext?: () => void }) {
  const t = useT();
  const dialog = useRef<HTMLDivElement>(null);
  const kind = previewKindOf(node.name, node.mimeType);
  // The access check answers with a redirect to the blob's signed URL: the player's ranges and
  // repeats then go to a URL a cache (the browser's, nginx's, a CDN) can answer.
  const url = `/api/files/${node.id}/content?redirect=1`;

  const onKey = useEffectEvent((e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
      return;
    }
    // Arrow keys belong to a focused player (seeking) or form control.
    if ((e.target as HTMLElement | null)?.closest("video, audio, input, textarea, select")) return;
    if (e.key === "ArrowLeft" && onPrev) {
      e.preventDefault();
      onPrev();
    } else if (e.key === "ArrowRight" && onNext) {
      e.preventDefault();
      onNext();
    }
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKey(e);
    window.addEventListener("keydown", listener);
    return () => window.removeEventListener("keydown", listener);
  }, []);

  // While open, the page behind does not scroll; focus comes back to where it was on close.
  useEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    const overflow = document.body.style.overflow;
    document.body.style.overflow = "hidden";
    dialog.current?.focus();
    return () => {
      document.body.style.overflow = overflow;
      before?.focus?.();
    };
  }, []);

  return (
    <div
      ref={dialog}
      tabIndex={-1}
      role="dialog"
      aria-modal="true"
      aria-label={node.name}
      data-testid="preview-dialog"
      data-kind={kind}
      className="fixed inset-0 z-50 flex flex-col bg-zinc-950/95 text-zinc-100 outline-none backdrop-blur-sm"
    >
      <header className="flex h-14 shrink-0 items-center gap-3 px-3 sm:px-4">
        <button onClick={onClose} aria-label={t("preview.close")} title={t("preview.close")} className="rounded-full p-2 text-zinc-300 hover:bg-white/10 hover:text-white">
          <X className="size-5" />
        </button>
        <div className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-white/10">
          <FileIcon kind="FILE" mimeType={node.mimeType} name={node.name} className="size-4.5" />
        </div>
        <div className="min-w-0 flex-1">
          <div className="truncate text-sm font-medium" title={node.name}>
            {node.name}
          </div>
          <div className="text-xs text-zinc-400 tabular-nums">{formatBytes(node.size)}</div>
        </div>
        <a
          href={url}
          download={node.name}
          className="inline-flex items-center gap-2 rounded-lg bg-white/10 px-3 py-2 text-sm font-medium text-white hover:bg-white/20"
          data-testid="preview-download"
        >
          <Download className="size-4" />
          <span className="hidden sm:inline">{t("preview.download")}</span>
        </a>
      </header>

      <div className="relative min-h-0 flex-1">
        <PreviewBody key={node.id} node={node} kind={kind} url={url} />
        {onPrev ? (
          <NavButton side="left" label={t("preview.previous")} onClick={onPrev}>
            <ChevronLeft className="size-6" />
          </NavButton>
        ) : null}
        {onNext ? (
          <NavButton side="right" label={t("preview.next")} onClick={onNext}>
            <ChevronRight className="size-6" />
          </NavButton>
        ) : null}
      </div>
    </div>
  );
}

function NavButton({ side, label, onClick, children }: { side: "left" | "right"; label: string; onClick: () => void; children: ReactNode }) {
  return (
    <button
      onClick={onClick}
      aria-label={label}
      title={label}
      className={clsx(
        "absolute top-1/2 z-10 flex size-11 -translate-y-1/2 items-center justify-center rounded-full bg-zinc-900/70 text-zinc-200 shadow-lg ring-1 ring-white/10 backdrop-blur hover:bg-zinc-800 hover:text-white",
        side === "left" ? "left-3 sm:left-5" : "right-3 sm:right-5",
      )}
    >
      {children}
    </button>
  );
}

/** The preview form of a content URL (passive types only are shown inline by the server). */
const inlineUrl = (url: string) => `${url}${url.includes("?") ? "&" : "?"}inline=1`;

export function PreviewBody({ node, kind, url }: { node: PreviewNode; kind: PreviewKind; url: string }) {
  const [failed, setFailed] = useState(false);
  if (failed) return <Fallback node={node} url={url} reason="failed" />;
  switch (kind) {
    case "image":
      return <ImageView node={node} src={inlineUrl(url)} onError={() => setFailed(true)} />;
    case "video":
      return (
        <div className="flex h-full items-center justify-center px-4 pb-6 sm:px-20">
          <video src={inlineUrl(url)} controls preload="metadata" playsInline className="max-h-full max-w-full rounded-lg bg-black shadow-2xl" onError={() => setFailed(true)} />
        </div>
      );
    case "audio":
      return (
        <div className="flex h-full items-center justify-center px-4 pb-6">
          <div className="w-full max-w-md rounded-2xl bg-zinc-900 p-8 text-center shadow-2xl ring-1 ring-white/10">
            <div className="mx-auto flex size-20 items-center justify-center rounded-2xl bg-amber-500/15">
              <FileIcon kind="FILE" mimeType={node.mimeType ?? "audio/mpeg"} name={node.name} className="size-10" />
            </div>
            <p className="mt-4 truncate font-medium">{node.name}</p>
            <audio src={inlineUrl(url)} controls preload="metadata" className="mt-6 w-full" onError={() => setFailed(true)} />
          </div>
        </div>
      );
    case "pdf":
      return <PdfView node={node} url={url} />;
    case "text":
      return <TextView node={node} url={url} />;
    default:
      return <Fallback node={node} url={url} reason="none" />;
  }
}

function ImageView({ node, src, onError }: { node: PreviewNode; src: string; onError: () => void }) {
  const t = useT();
  const [loaded, setLoaded] = useState(false);
  const [zoom, setZoom] = useState<{ width: number; fx: number; fy: number } | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const image = useRef<HTMLImageElement>(null);
  const failed = useEffectEvent(onError);

  // A server-rendered <img> (the public share page) often finishes loading, from the cache or just
  // fast, before React hydrates and attaches onLoad, so that event never arrives: ask the element.
  // decode() resolves for a loaded picture and rejects for a broken one.
  useEffect(() => {
    const img = image.current;
    if (img?.complete) img.decode().then(() => setLoaded(true), () => failed());
  }, []);

  // Keep the point that was clicked under the pointer after zooming in.
  useEffect(() => {
    const el = box.current;
    if (!zoom || !el) return;
    const img = el.querySelector("img");
    if (!img) return;
    el.scrollLeft = zoom.fx * img.clientWidth - el.clientWidth / 2;
    el.scrollTop = zoom.fy * img.clientHeight - el.clientHeight / 2;
  }, [zoom]);

  function toggle(e: React.MouseEvent<HTMLImageElement>) {
    if (zoom) return setZoom(null);
    const img = e.currentTarget;
    const rect = img.getBoundingClientRect();
    // Natural size when the photo is bigger than the screen, otherwise twice the fitted size.
    const width = Math.max(img.naturalWidth, rect.width * 2);
    setZoom({ width, fx: (e.clientX - rect.left) / rect.width, fy: (e.clientY - rect.top) / rect.height });
  }

  return (
    <div ref={box} className={clsx("relative h-full", zoom ? "overflow-auto" : "flex items-center justify-center overflow-hidden px-4 pb-6 sm:px-20")}>
      {!loaded ? (
        // Over the picture only, and never in the way of a click.
        <div className="pointer-events-none absolute inset-0 flex items-center justify-center text-zinc-400" aria-label={t("preview.loading")} data-testid="preview-spinner">
          <Loader2 className="size-8 animate-spin" />
        </div>
      ) : null}
      <img
        ref={image}
        data-testid="preview-image"
        src={src}
        alt={node.name}
        draggable={false}
        onLoad={() => setLoaded(true)}
        onError={onError}
        onClick={toggle}
        title={zoom ? t("preview.zoomOut") : t("preview.zoomIn")}
        style={zoom ? { width: zoom.width, maxWidth: "none" } : undefined}
        className={clsx(
          "select-none transition-opacity",
          loaded ? "opacity-100" : "opacity-0",
          zoom ? "m-auto block max-w-none cursor-zoom-out" : "max-h-full max-w-full cursor-zoom-in rounded object-contain shadow-2xl",
        )}
      />
    </div>
  );
}

/**
 * Chromium's viewer refuses to load in a frame with a `sandbox` attribute ("This page has been
 * blocked"), so the frame has none: the sandbox comes from the answer itself, whose
 * `Content-Security-Policy: sandbox allow-scripts` (no allow-same-origin) gives the PDF an opaque
 * origin with no popups, forms or top navigation. A HEAD request checks that header and the type
 * first; without them, or without a PDF viewer, the panel offers the download instead.
 */
function PdfView({ node, url }: { node: PreviewNode; url: string }) {
  const t = useT();
  const src = inlineUrl(url);
  const hasViewer = useSyncExternalStore(
    subscribeNever,
    () => navigator.pdfViewerEnabled,
    () => false,
  );
  const [safe, setSafe] = useState<boolean | null>(null);
  useEffect(() => {
    if (!hasViewer) return;
    const abort = new AbortController();
    fetch(src, { method: "HEAD", signal: abort.signal })
      .then((res) => {
        const csp = (res.headers.get("content-security-policy") ?? "").toLowerCase();
        const type = res.headers.get("content-type") ?? "";
        setSafe(res.ok && type.startsWith("application/pdf") && /^sandbox\b/.test(csp) && !csp.includes("allow-same-origin"));
      })
      .catch(() => !abort.signal.aborted && setSafe(false));
    return () => abort.abort();
  }, [src, hasViewer]);

  if (!hasViewer || safe === false) return <Fallback node={node} url={url} reason="pdf" />;
  if (safe === null) {
    return (
      <div className="flex h-full items-center justify-center text-zinc-400" aria-label={t("preview.loading")}>
        <Loader2 className="size-8 animate-spin" />
      </div>
    );
  }
  return (
    <div className="h-full px-2 pb-2 sm:px-20 sm:pb-6">
      <iframe src={src} title={node.name} data-testid="pdf-frame" className="size-full rounded-lg bg-zinc-800 shadow-2xl" />
    </div>
  );
}

type TextState = { status: "loading" } | { status: "error" } | { status: "binary" } | { status: "done"; text: string; truncated: boolean };

function TextView({ node, url }: { node: PreviewNode; url: string }) {
  const t = useT();
  const [state, setState] = useState<TextState>({ status: "loading" });
  const ext = extensionOf(node.name);
  const lang: Lang | null = Object.hasOwn(CODE_LANG, ext) ? CODE_LANG[ext]! : node.mimeType === "application/json" ? "json" : null;

  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      try {
        // `?inline=1`: a preview, which a share link never counts as a download.
        const res = await fetch(inlineUrl(url), { headers: { Range: `bytes=0-${TEXT_LIMIT - 1}` }, signal: abort.signal });
        if (!res.ok) throw new Error(String(res.status));
        const bytes = new Uint8Array(await res.arrayBuffer());
        const head = bytes.subarray(0, TEXT_LIMIT);
        // A NUL byte in the first few kilobytes: an executable or an archive, not text.
        if (head.subarray(0, 8192).includes(0)) return setState({ status: "binary" });
        setState({ status: "done", text: new TextDecoder("utf-8").decode(head), truncated: node.size > head.length });
      } catch {
        if (!abort.signal.aborted) setState({ status: "error" });
      }
    })();
    return () => abort.abort();
  }, [url, node.size]);

  const lines = useMemo(() => (state.status === "done" ? tokenizeLines(state.text, state.text.length <= HIGHLIGHT_LIMIT ? lang : null) : []), [state, lang]);

  if (state.status === "loading") {
    return (
      <div className="flex h-full items-center justify-center text-zinc-400" aria-label={t("preview.loading")}>
        <Loader2 className="size-8 animate-spin" />
      </div>
    );
  }
  if (state.status === "error") return <Fallback node={node} url={url} reason="failed" />;
  if (state.status === "binary") return <Fallback node={node} url={url} reason="binary" />;

  const wrap = lang === null;
  // Lines in blocks the browser may skip laying out while they are off screen.
  const blocks: (typeof lines)[] = [];
  for (let i = 0; i < lines.length; i += 200) blocks.push(lines.slice(i, i + 200));
  const gutter = `${String(lines.length).length + 1}ch`;

  return (
    <div className="flex h-full justify-center px-2 pb-2 sm:px-20 sm:pb-6">
      <div className="flex w-full max-w-5xl flex-col overflow-hidden rounded-lg bg-white text-zinc-800 shadow-2xl dark:bg-zinc-900 dark:text-zinc-200" data-testid="text-preview">
        <div className="flex shrink-0 items-center justify-between gap-3 border-b border-zinc-200 bg-zinc-50 px-4 py-2 text-xs text-zinc-500 dark:border-zinc-800 dark:bg-zinc-950/50">
          <span className="tabular-nums">{t("preview.lines", { count: lines.length })}</span>
          {state.truncated ? <span className="text-amber-700 dark:text-amber-400">{t("preview.truncated", { shown: formatBytes(TEXT_LIMIT), size: formatBytes(node.size) })}</span> : null}
        </div>
        <div className="min-h-0 flex-1 overflow-auto py-3 font-mono text-[13px] leading-5">
          {blocks.map((block, b) => (
            <div key={b} style={{ contentVisibility: "auto", containIntrinsicSize: `auto ${block.length * 20}px` }}>
              {block.map((tokens, i) => (
                <div key={i} className={clsx("flex", wrap ? "" : "w-max min-w-full")}>
                  <span
                    className="sticky left-0 shrink-0 bg-white pr-4 pl-3 text-right text-zinc-400 select-none dark:bg-zinc-900 dark:text-zinc-600"
                    style={{ width: `calc(${gutter} + 1.75rem)` }}
                    aria-hidden
                  >
                    {b * 200 + i + 1}
                  </span>
                  <span className={clsx("min-w-0 flex-1 pr-4", wrap ? "break-words whitespace-pre-wrap" : "whitespace-pre")}>
                    {tokens.length === 0 ? "\u200b" : tokens.map((tok, j) => (tok.c ? <span key={j} className={TOKEN_CLASS[tok.c]}>{tok.v}</span> : tok.v))}
                  </span>
                </div>
              ))}
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}

function Fallback({ node, url, reason }: { node: PreviewNode; url: string; reason: "none" | "pdf" | "binary" | "failed" }) {
  const t = useT();
  const title = { none: t("preview.noPreview"), pdf: t("preview.pdfUnavailable"), binary: t("preview.notText"), failed: t("preview.loadFailed") }[reason];
  const hint = reason === "pdf" ? t("preview.pdfHint") : t("preview.noPreviewHint");
  return (
    <div className="flex h-full items-center justify-center px-4 pb-6">
      <div className="w-full max-w-sm rounded-2xl bg-zinc-900 p-8 text-center shadow-2xl ring-1 ring-white/10" data-testid="preview-fallback" data-reason={reason}>
        <div className="mx-auto flex size-20 items-center justify-center rounded-2xl bg-white/5">
          {reason === "failed" ? <FileWarning className="size-10 text-zinc-400" /> : <FileIcon kind="FILE" mimeType={node.mimeType} name={node.name} className="size-10" />}
        </div>
        <p className="mt-5 truncate font-medium text-white" title={node.name}>
          {node.name}
        </p>
        <p className="text-sm text-zinc-400 tabular-nums">{formatBytes(node.size)}</p>
        <p className="mt-5 font-medium text-zinc-100">{title}</p>
        <p className="mt-1 text-sm text-zinc-400">{hint}</p>
        <a
          href={url}
          download={node.name}
          className="mt-6 inline-flex items-center gap-2 rounded-lg bg-brand-600 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-brand-700"
        >
          <Download className="size-4" /> {t("preview.download")}
        </a>
      </div>
    </div>
  );
}

// ---- A small highlighter: a few token kinds per family of languages, nothing more. ----

type Lang = "c" | "hash" | "markup" | "json" | "sql";
type TokenKind = "comment" | "string" | "number" | "keyword" | "key" | "tag";
type Token = { c?: TokenKind; v: string };

const TOKEN_CLASS: Record<TokenKind, string> = {
  comment: "text-zinc-400 italic dark:text-zinc-500",
  string: "text-emerald-700 dark:text-emerald-400",
  number: "text-amber-700 dark:text-amber-300",
  keyword: "text-violet-700 dark:text-violet-400",
  key: "text-sky-700 dark:text-sky-300",
  tag: "text-rose-700 dark:text-rose-400",
};

const C_KEYWORDS =
  "abstract async await break case catch class const continue def default defer delete do else enum export extends false final finally fn for func function go if impl implements import in instanceof interface let loop match mod module mut new nil null override package private protected pub public return self static struct super switch this throw throws trait true try type typeof undefined use var void while yield";
const HASH_KEYWORDS =
  "and as assert async await break case class continue def del do done elif else end esac except false fi finally for from function if import in is lambda local module nil none not or pass raise require rescue return self then true try unless until while with yield True False None";
const SQL_KEYWORDS =
  "select from where and or not insert into values update set delete create table index view drop alter add column primary key foreign references join left right inner outer on group by order having limit offset as distinct union all null is in like between case when then else end begin commit rollback default unique";

const words = (list: string) => list.split(" ").join("|");
const STRING = String.raw`"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'`;
const NUMBER = String.raw`\b(?:0x[\da-fA-F]+|\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?)\b`;

// Each pattern's groups, in order, name the token kinds in `RULES[lang].kinds`.
const RULES: Record<Lang, { re: RegExp; kinds: TokenKind[] }> = {
  c: {
    re: new RegExp(String.raw`(\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|(${STRING}|\`(?:[^\`\\]|\\[\s\S])*\`)|(${NUMBER})|\b(${words(C_KEYWORDS)})\b`, "g"),
    kinds: ["comment", "string", "number", "keyword"],
  },
  hash: {
    re: new RegExp(String.raw`(#[^\n]*)|("""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|${STRING})|^([ \t-]*[\w.-]+)(?=[ \t]*[:=](?:\s|$))|(${NUMBER})|\b(${words(HASH_KEYWORDS)})\b`, "gm"),
    kinds: ["comment", "string", "key", "number", "keyword"],
  },
  markup: {
    re: new RegExp(String.raw`(<!--[\s\S]*?(?:-->|$))|(<\/?[\w:.-]+|\/?>)|(${STRING})|(?<=\s)([\w:.@-]+)(?==)`, "g"),
    kinds: ["comment", "tag", "string", "key"],
  },
  json: {
    re: new RegExp(String.raw`("(?:[^"\\\n]|\\.)*")(?=\s*:)|("(?:[^"\\\n]|\\.)*")|(-?${NUMBER})|\b(true|false|null)\b`, "g"),
    kinds: ["key", "string", "number", "keyword"],
  },
  sql: {
    re: new RegExp(String.raw`(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^']|'')*')|(${NUMBER})|\b(${words(SQL_KEYWORDS)})\b`, "gi"),
    kinds: ["comment", "string", "number", "keyword"],
  },
};

/** The text as lines of tokens; `lang` null gives plain lines. */
function tokenizeLines(text: string, lang: Lang | null): Token[][] {
  const tokens: Token[] = [];
  if (lang) {
    const { re, kinds } = RULES[lang];
    re.lastIndex = 0;
    let at = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      if (m.index > at) tokens.push({ v: text.slice(at, m.index) });
      const group = m.findIndex((g, i) => i > 0 && g !== undefined);
      tokens.push({ c: kinds[group - 1], v: m[0] });
      at = m.index + m[0].length;
    }
    if (at < text.length) tokens.push({ v: text.slice(at) });
  } else tokens.push({ v: text });

  const lines: Token[][] = [[]];
  for (const tok of tokens) {
    const parts = tok.v.split(/\r?\n/);
    parts.forEach((part, i) => {
      if (i > 0) lines.push([]);
      if (part) lines.at(-1)!.push({ c: tok.c, v: part });
    });
  }
  // A final newline ends the last line; it does not start an empty one.
  if (lines.length > 1 && lines.at(-1)!.length === 0) lines.pop();
  return lines;
}
