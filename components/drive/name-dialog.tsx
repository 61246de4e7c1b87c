"use client";
import { useEffect, useId, useRef, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import { translateIssue } from "@/server/i18n/issue";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

/**
 * Asks for a file or folder name, checked with the same rule the server enforces. The part before
 * the extension is preselected, as in a desktop file manager.
 */
export function NameDialog(props: {
  title: string;
  icon: ReactNode;
  label: string;
  initial: string;
  submitLabel: string;
  onSubmit: (name: string) => Promise<void>;
  onClose: () => void;
}) {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.focus();
    const dot = props.initial.lastIndexOf(".");
    el.setSelectionRange(0, dot > 0 ? dot : props.initial.length);
  }, [props.initial]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const parsed = nodeNameSchema.safeParse(input.current?.value ?? "");
    if (!parsed.success) return setError(translateIssue(parsed.error.issues[0]!.message, locale));
    setBusy(true);
    try {
      await props.onSubmit(parsed.data);
      props.onClose();
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  }

  return (
    <Dialog labelledBy={titleId} onClose={props.onClose}>
      <form onSubmit={submit}>
        <div className="flex items-center gap-3">
          <div className="flex size-10 items-center justify-center rounded-full bg-sky-100 text-sky-600 dark:bg-sky-500/15">{props.icon}</div>
          <h2 id={titleId} className="text-lg font-semibold">
            {props.title}
          </h2>
        </div>
        <input
          ref={input}
          name="name"
          aria-label={props.label}
          defaultValue={props.initial}
          onChange={() => setError(null)}
          className="mt-5 block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-950"
        />
        {error ? (
          <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        ) : null}
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={props.onClose}>
            {t("drive.cancel")}
          </Button>
          <Button type="submit" disabled={busy}>
            {props.submitLabel}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
