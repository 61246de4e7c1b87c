"use client";
import { useEffect, useState } from "react";
import { Camera, Cpu, Loader2 } from "lucide-react";
import { useT } from "@/components/i18n/i18n-provider";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/admin/admin-ui";

const PROFILE_SECONDS = 30;
type Kind = "cpu" | "heap";

/** Saves a response body under the server's file name (Content-Disposition). */
async function saveResponse(res: Response, fallback: string): Promise<string> {
  const name = /filename="([^"]+)"/.exec(res.headers.get("content-disposition") ?? "")?.[1] ?? fallback;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** Admin → System: a CPU profile or heap snapshot of the process that answers (server/admin/debug-routes.ts). */
export function ProfilingCard() {
  const t = useT();
  const [running, setRunning] = useState<{ kind: Kind; until: number } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    if (running?.kind !== "cpu") return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);

  async function take(kind: Kind) {
    setOutcome(null);
    setNow(Date.now());
    setRunning({ kind, until: Date.now() + PROFILE_SECONDS * 1000 });
    try {
      const res = await fetch(kind === "cpu" ? `/api/admin/debug/profile?seconds=${PROFILE_SECONDS}` : "/api/admin/debug/heap", { credentials: "same-origin" });
      if (!res.ok) {
        // The server's own words (already in the page's language): busy, not allowed, signed out.
        const body = (await res.json().catch(() => null)) as { message?: string } | null;
        setOutcome({ ok: false, text: body?.message ?? t("profiling.failed") });
        return;
      }
      const name = await saveResponse(res, kind === "cpu" ? "yunpan.cpuprofile" : "yunpan.heapsnapshot");
      setOutcome({ ok: true, text: t("profiling.saved", { name }) });
    } catch {
      setOutcome({ ok: false, text: t("profiling.failed") });
    } finally {
      setRunning(null);
    }
  }

  const left = running ? Math.max(0, Math.ceil((running.until - now) / 1000)) : 0;
  return (
    <Card title={t("profiling.title")} subtitle={t("profiling.intro")}>
      <div className="flex flex-wrap items-center gap-3" data-testid="profiling">
        <Button variant="secondary" disabled={running !== null} onClick={() => void take("cpu")}>
          {running?.kind === "cpu" ? <Loader2 className="size-4 animate-spin" /> : <Cpu className="size-4" />}
          {t("profiling.cpu")}
        </Button>
        <Button variant="secondary" disabled={running !== null} onClick={() => void take("heap")}>
          {running?.kind === "heap" ? <Loader2 className="size-4 animate-spin" /> : <Camera className="size-4" />}
          {t("profiling.heap")}
        </Button>
        <p role="status" aria-live="polite" className="text-sm" data-testid="profiling-status">
          {running ? (
            <span className="text-zinc-600 dark:text-zinc-300">{running.kind === "cpu" ? t("profiling.cpuRunning", { seconds: left }) : t("profiling.heapRunning")}</span>
          ) : outcome ? (
            <span className={outcome.ok ? "text-emerald-600 dark:text-emerald-400" : "text-red-600 dark:text-red-400"}>{outcome.text}</span>
          ) : null}
        </p>
      </div>
      <p className="mt-3 text-xs text-zinc-500">{t("profiling.heapHint")}</p>
    </Card>
  );
}
