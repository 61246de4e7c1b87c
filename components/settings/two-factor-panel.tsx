"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { AlertTriangle, Copy, Download, KeyRound, ShieldCheck, ShieldOff } from "lucide-react";
import clsx from "clsx";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field } from "@/components/ui/field";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { formatModified } from "@/components/drive/format";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

type Enrollment = { secret: string; otpauthUrl: string; qrSvg: string };

/** Two-factor sign-in: status, enrollment with a QR code, recovery codes shown once, turning off. */
export function TwoFactorPanel() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const locale = useLocale();
  const overview = useQuery(trpc.security.overview.queryOptions());
  const begin = useMutation(trpc.security.totp.begin.mutationOptions());
  const confirm = useMutation(trpc.security.totp.confirm.mutationOptions());
  const disable = useMutation(trpc.security.totp.disable.mutationOptions());
  const regenerate = useMutation(trpc.security.totp.regenerateCodes.mutationOptions());
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [asking, setAsking] = useState<"disable" | "regenerate" | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.security.overview.queryKey() });
  const data = overview.data;
  if (!data) return <div className="h-24 max-w-2xl animate-pulse rounded-xl bg-zinc-100 dark:bg-zinc-900" />;

  async function onStart() {
    setError(null);
    setEnrollment(await begin.mutateAsync());
  }

  async function onConfirm(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    try {
      const { recoveryCodes } = await confirm.mutateAsync({ code: String(new FormData(e.currentTarget).get("code")) });
      setEnrollment(null);
      setCodes(recoveryCodes);
      toast("success", t("security.enabledToast"));
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  async function onAsked(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    const code = String(new FormData(e.currentTarget).get("code"));
    try {
      if (asking === "disable") {
        await disable.mutateAsync({ code });
        toast("success", t("security.disabledToast"));
      } else {
        setCodes((await regenerate.mutateAsync({ code })).recoveryCodes);
      }
      setAsking(null);
      await refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="max-w-2xl space-y-4" data-testid="two-factor">
      {data.twoFactorRequired && !data.totpEnabled ? (
        <p role="status" className="flex items-start gap-2 rounded-xl border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-800 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-200">
          <AlertTriangle className="mt-0.5 size-4 shrink-0" aria-hidden />
          {t("security.required")}
        </p>
      ) : null}

      <div className="flex flex-wrap items-center gap-4 rounded-xl border border-zinc-200 bg-white px-4 py-4 dark:border-zinc-800 dark:bg-zinc-900">
        <div
          className={clsx(
            "flex size-10 shrink-0 items-center justify-center rounded-full",
            data.totpEnabled ? "bg-emerald-100 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300" : "bg-zinc-100 text-zinc-500 dark:bg-zinc-800 dark:text-zinc-400",
          )}
        >
          {data.totpEnabled ? <ShieldCheck className="size-5" aria-hidden /> : <ShieldOff className="size-5" aria-hidden />}
        </div>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-2 text-sm font-medium">
            {t("security.twoFactor")}
            <span
              data-testid="two-factor-status"
              className={clsx(
                "rounded-full px-2 py-0.5 text-xs font-medium",
                data.totpEnabled ? "bg-emerald-100 text-emerald-700 dark:bg-emerald-500/15 dark:text-emerald-300" : "bg-zinc-100 text-zinc-600 dark:bg-zinc-800 dark:text-zinc-400",
              )}
            >
              {data.totpEnabled ? t("security.on") : t("security.off")}
            </span>
          </div>
          {data.totpEnabled && data.totpEnabledAt ? (
            <p className="mt-0.5 text-xs text-zinc-500">
              {t("security.enabledSince", { when: formatModified(data.totpEnabledAt, locale) })} · {t("security.codesLeft", { count: data.recoveryCodesLeft })}
            </p>
          ) : null}
        </div>
        {data.totpEnabled ? (
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" onClick={() => (setError(null), setAsking("regenerate"))}>
              <KeyRound className="size-4" aria-hidden /> {t("security.regenerate")}
            </Button>
            <Button variant="ghost" className="text-red-600! dark:text-red-400!" onClick={() => (setError(null), setAsking("disable"))}>
              {t("security.disable")}
            </Button>
          </div>
        ) : enrollment ? null : (
          <Button onClick={() => void onStart()} disabled={begin.isPending}>
            {t("security.setUp")}
          </Button>
        )}
      </div>

      {enrollment ? (
        <form onSubmit={onConfirm} className="grid gap-6 rounded-xl border border-zinc-200 bg-white p-5 sm:grid-cols-[auto_1fr] dark:border-zinc-800 dark:bg-zinc-900" data-testid="totp-enroll">
          <div
            className="mx-auto size-44 rounded-lg bg-white p-2 ring-1 ring-zinc-200 dark:ring-zinc-700 [&>svg]:size-full"
            role="img"
            aria-label="QR code"
            // The SVG is made on the server by the qrcode package from our own otpauth URL.
            dangerouslySetInnerHTML={{ __html: enrollment.qrSvg }}
          />
          <div className="min-w-0 space-y-4">
            <p className="text-sm">{t("security.step1")}</p>
            <div>
              <p className="text-xs text-zinc-500">{t("security.manualKey")}</p>
              <code data-testid="totp-secret" className="mt-1 block break-all rounded-md bg-zinc-100 px-3 py-2 font-mono text-xs tracking-wider dark:bg-zinc-800">
                {enrollment.secret.replace(/(.{4})/g, "$1 ").trim()}
              </code>
            </div>
            <p className="text-sm">{t("security.step2")}</p>
            <div className="max-w-56">
              <Field label={t("security.codeLabel")} name="code" autoComplete="one-time-code" inputMode="numeric" required maxLength={8} error={error} autoFocus />
            </div>
            <div className="flex gap-2">
              <Button type="submit" disabled={confirm.isPending}>
                {t("security.confirm")}
              </Button>
              <Button type="button" variant="ghost" onClick={() => (setEnrollment(null), setError(null))}>
                {t("security.cancel")}
              </Button>
            </div>
          </div>
        </form>
      ) : null}

      {codes ? <RecoveryCodes codes={codes} onDone={() => setCodes(null)} /> : null}

      {asking ? (
        <Dialog labelledBy="two-factor-ask" describedBy="two-factor-ask-intro" onClose={() => setAsking(null)}>
          <form onSubmit={onAsked} className="space-y-4">
            <div>
              <h2 id="two-factor-ask" className="text-lg font-semibold">
                {asking === "disable" ? t("security.disableTitle") : t("security.regenerateTitle")}
              </h2>
              <p id="two-factor-ask-intro" className="mt-1 text-sm text-zinc-500">
                {asking === "disable" ? t("security.disableIntro") : t("security.regenerateIntro")}
              </p>
            </div>
            <Field label={t("security.codeLabel")} name="code" autoComplete="one-time-code" required maxLength={20} error={error} autoFocus />
            <div className="flex justify-end gap-2">
              <Button type="button" variant="ghost" onClick={() => setAsking(null)}>
                {t("security.cancel")}
              </Button>
              <Button type="submit" variant={asking === "disable" ? "danger" : "primary"} disabled={disable.isPending || regenerate.isPending}>
                {asking === "disable" ? t("security.disable") : t("security.regenerate")}
              </Button>
            </div>
          </form>
        </Dialog>
      ) : null}
    </div>
  );
}

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const t = useT();
  const toast = useToast();
  const text = codes.join("\n") + "\n";
  return (
    <div className="rounded-xl border border-emerald-200 bg-emerald-50 p-5 dark:border-emerald-900 dark:bg-emerald-950/40" data-testid="recovery-codes">
      <h3 className="font-medium text-emerald-900 dark:text-emerald-100">{t("security.recoveryTitle")}</h3>
      <p className="mt-1 text-sm text-emerald-800 dark:text-emerald-200">{t("security.recoveryIntro")}</p>
      <ol className="mt-4 grid grid-cols-2 gap-2 font-mono text-sm sm:grid-cols-5">
        {codes.map((c) => (
          <li key={c} data-testid="recovery-code" className="rounded-md bg-white px-2 py-1.5 text-center tracking-wide dark:bg-zinc-900">
            {c}
          </li>
        ))}
      </ol>
      <div className="mt-4 flex flex-wrap gap-2">
        <Button
          variant="secondary"
          onClick={() => {
            void navigator.clipboard?.writeText(text);
            toast("success", t("security.codesCopied"));
          }}
        >
          <Copy className="size-4" aria-hidden /> {t("security.copyCodes")}
        </Button>
        <a
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
          download="yunpan-recovery-codes.txt"
          className="inline-flex items-center justify-center gap-2 rounded-lg border border-zinc-300 bg-white px-3.5 py-2 text-sm font-medium text-zinc-800 shadow-sm hover:bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800"
        >
          <Download className="size-4" aria-hidden /> {t("security.downloadCodes")}
        </a>
        <Button onClick={onDone}>{t("security.done")}</Button>
      </div>
    </div>
  );
}
