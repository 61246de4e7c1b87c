"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { Lock } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useT } from "@/components/i18n/i18n-provider";

/** Asks for the link's password; the server answers with an unlock cookie, then the page reloads its data. */
export function PasswordGate({ token, ownerName }: { token: string; ownerName: string }) {
  const t = useT();
  const router = useRouter();
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch(`/api/s/${token}/unlock`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ password }) });
      if (res.ok) {
        router.refresh();
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      setError(body.message ?? res.statusText);
      setPassword("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="mt-10 rounded-3xl border border-zinc-200 bg-white p-8 shadow-xl shadow-zinc-900/5 dark:border-zinc-800 dark:bg-zinc-900" data-testid="password-gate">
      <div className="mx-auto flex size-14 items-center justify-center rounded-2xl bg-brand-50 text-brand-600 dark:bg-brand-500/15 dark:text-brand-100">
        <Lock className="size-6" />
      </div>
      <h1 className="mt-5 text-center text-xl font-semibold">{t("sharing.public.lockedTitle")}</h1>
      <p className="mt-1 text-center text-sm text-zinc-500">{t("sharing.public.lockedHint", { name: ownerName })}</p>
      <form onSubmit={submit} className="mt-6 space-y-4">
        <Field label={t("sharing.password")} type="password" autoComplete="current-password" autoFocus required value={password} onChange={(e) => setPassword(e.target.value)} error={error} name="share-password" />
        <Button type="submit" className="w-full" disabled={busy || !password}>
          {busy ? t("sharing.public.unlocking") : t("sharing.public.unlock")}
        </Button>
      </form>
    </div>
  );
}
