"use client";
import { useEffect, useState } from "react";
import QRCode from "qrcode";
import { Check, Copy, QrCode } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useT } from "@/components/i18n/i18n-provider";

/** A new link's address, shown once: copy button and an optional QR code. */
export function CreatedLink({ url, onDone }: { url: string; onDone: () => void }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState<string | null>(null);
  const [showQr, setShowQr] = useState(false);
  useEffect(() => {
    if (!showQr || qr) return;
    void QRCode.toString(url, { type: "svg", margin: 1, errorCorrectionLevel: "M" }).then((svg) => setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`));
  }, [showQr, qr, url]);
  async function copy() {
    await navigator.clipboard.writeText(url).catch(() => {});
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  }
  return (
    <div className="rounded-xl border border-brand-100 bg-brand-50/60 p-4 dark:border-brand-500/30 dark:bg-brand-500/10" data-testid="created-link">
      <p className="font-medium">{t("sharing.linkReady")}</p>
      <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">{t("sharing.linkOnce")}</p>
      <div className="mt-3 flex gap-2">
        <input
          readOnly
          value={url}
          aria-label="URL"
          data-testid="created-url"
          onFocus={(e) => e.currentTarget.select()}
          className="min-w-0 flex-1 rounded-lg border border-zinc-300 bg-white px-3 py-2 font-mono text-xs dark:border-zinc-700 dark:bg-zinc-900"
        />
        <Button type="button" onClick={() => void copy()} className="shrink-0">
          {copied ? <Check className="size-4" /> : <Copy className="size-4" />}
          {copied ? t("sharing.copied") : t("sharing.copy")}
        </Button>
      </div>
      <div className="mt-3 flex items-center justify-between">
        <button type="button" onClick={() => setShowQr((v) => !v)} className="inline-flex items-center gap-1.5 text-xs font-medium text-brand-700 hover:underline dark:text-brand-100">
          <QrCode className="size-3.5" /> {t("sharing.qr")}
        </button>
        <Button type="button" variant="secondary" onClick={onDone}>
          {t("sharing.done")}
        </Button>
      </div>
      {showQr && qr && (
        <img src={qr} alt={t("sharing.qr")} className="mx-auto mt-3 size-40 rounded-lg bg-white p-2" />
      )}
    </div>
  );
}
