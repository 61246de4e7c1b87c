"use client";
// Downloads from a link with a download limit: the page keeps the remaining count true after each
// download and says why a refused one did not start. A plain <a download> cannot do either: the
// browser cancels a 410 silently and the page never learns a download happened.
import { useCallback, useState, type MouseEvent } from "react";

import { downloadState, type DownloadRefusal } from "@/components/share/public/download-state";

export type { DownloadRefusal };

const REASONS: readonly string[] = ["exhausted", "expired", "revoked"];

/** Starts the browser's own download (streamed to disk, resumable), outside React's click handling. */
function startBrowserDownload(href: string) {
  const a = document.createElement("a");
  a.href = href;
  a.download = "";
  document.body.append(a);
  a.click();
  a.remove();
}

export function useCountedDownloads(initialLeft: number | null) {
  const [left, setLeft] = useState(initialLeft);
  const [refusal, setRefusal] = useState<DownloadRefusal | null>(null);
  const onClick = useCallback(
    async (e: MouseEvent<HTMLAnchorElement>) => {
      // Unlimited links keep the plain link: nothing to count, and a refusal cannot be a surprise.
      if (initialLeft === null) return;
      e.preventDefault();
      // Known used up here. (A HEAD could still pass: the visitor whose download used the link up
      // holds a ticket to finish it, which is for the browser's resumption, not a new download.)
      if (left === 0) return setRefusal((r) => r ?? "exhausted");
      const href = e.currentTarget.href;
      // HEAD asks whether the download would be served without counting one (share-http.ts).
      const res = await fetch(href, { method: "HEAD", credentials: "same-origin", cache: "no-store" }).catch(() => null);
      if (!res?.ok) {
        const status = res?.headers.get("X-Share-Status") ?? "";
        setRefusal(REASONS.includes(status) ? (status as DownloadRefusal) : "failed");
        if (REASONS.includes(status)) setLeft(0);
        return;
      }
      setRefusal(null);
      startBrowserDownload(href);
      setLeft((n) => (n === null ? n : Math.max(0, n - 1)));
    },
    [initialLeft, left],
  );
  return { left, ...downloadState(left, refusal), onClick };
}
