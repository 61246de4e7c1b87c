"use client";
import { useCallback, useId, useRef, useState, type ReactNode } from "react";
import clsx from "clsx";
import { Copy, FileStack, SkipForward } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useT } from "@/components/i18n/i18n-provider";

/** The uploader's answer for one name: a new version, keep both (the server numbers it), or not at all. */
export type ConflictChoice = "version" | "rename" | "skip";

/** "report (1).pdf": how keep both will look (the server picks the actual next free number). */
export function keepBothExample(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? `${name.slice(0, dot)} (1)${name.slice(dot)}` : `${name} (1)`;
}

interface Pending {
  names: string[];
  index: number;
  choices: Map<string, ConflictChoice>;
  resolve: (choices: Map<string, ConflictChoice>) => void;
}

/**
 * Asks, name by name, what to do with uploads whose name the folder already holds, like Google
 * Drive: replace (a new version), keep both, or skip, with "apply to all" for the rest of the
 * batch. Closing the question skips every name not answered yet.
 */
export function useUploadConflicts(): { ask: (names: string[]) => Promise<Map<string, ConflictChoice>>; dialog: ReactNode } {
  const [pending, setPending] = useState<Pending | null>(null);
  // Batches dropped while a question is open wait their turn.
  const queue = useRef<Promise<unknown>>(Promise.resolve());

  const ask = useCallback((names: string[]) => {
    const turn = queue.current.then(
      () => new Promise<Map<string, ConflictChoice>>((resolve) => setPending({ names, index: 0, choices: new Map(), resolve })),
    );
    queue.current = turn;
    return turn;
  }, []);

  const answer = (choice: ConflictChoice, toAll: boolean) => {
    if (!pending) return;
    const choices = new Map(pending.choices);
    const last = toAll ? pending.names.length : pending.index + 1;
    for (const name of pending.names.slice(pending.index, last)) choices.set(name, choice);
    if (last >= pending.names.length) {
      setPending(null);
      pending.resolve(choices);
    } else setPending({ ...pending, index: last, choices });
  };

  const dialog = pending ? (
    <ConflictDialog
      key={pending.index}
      name={pending.names[pending.index]!}
      index={pending.index}
      count={pending.names.length}
      onAnswer={answer}
      onCancel={() => answer("skip", true)}
    />
  ) : null;
  return { ask, dialog };
}

function ConflictDialog(props: { name: string; index: number; count: number; onAnswer: (choice: ConflictChoice, toAll: boolean) => void; onCancel: () => void }) {
  const t = useT();
  const titleId = useId();
  const [choice, setChoice] = useState<ConflictChoice>("version");
  const [toAll, setToAll] = useState(false);
  const left = props.count - props.index;
  const options = [
    { value: "version" as const, icon: FileStack, label: t("uploadConflict.replace"), hint: t("uploadConflict.replaceHint") },
    { value: "rename" as const, icon: Copy, label: t("uploadConflict.keepBoth"), hint: t("uploadConflict.keepBothHint", { example: keepBothExample(props.name) }) },
    { value: "skip" as const, icon: SkipForward, label: t("uploadConflict.skip"), hint: t("uploadConflict.skipHint") },
  ];
  return (
    <Dialog labelledBy={titleId} size="md" onClose={props.onCancel}>
      <form
        data-testid="conflict-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          props.onAnswer(choice, toAll);
        }}
      >
        <div className="flex items-baseline justify-between gap-3">
          <h2 id={titleId} className="text-lg font-semibold">
            {t("uploadConflict.title")}
          </h2>
          {props.count > 1 ? <span className="shrink-0 text-xs tabular-nums text-zinc-500">{t("uploadConflict.remaining", { index: props.index + 1, count: props.count })}</span> : null}
        </div>
        <p className="mt-2 text-sm text-zinc-700 dark:text-zinc-300">
          <span className="break-all font-medium">{t("uploadConflict.exists", { name: props.name })}</span> {t("uploadConflict.question")}
        </p>
        <fieldset className="mt-4 space-y-2">
          <legend className="sr-only">{t("uploadConflict.question")}</legend>
          {options.map(({ value, icon: Icon, label, hint }) => (
            <label
              key={value}
              className={clsx(
                "flex cursor-pointer items-start gap-3 rounded-xl border px-3.5 py-3 transition",
                choice === value
                  ? "border-brand-500 bg-brand-50 ring-1 ring-brand-500 dark:bg-brand-500/10"
                  : "border-zinc-200 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800/60",
              )}
            >
              <input type="radio" name="choice" value={value} checked={choice === value} onChange={() => setChoice(value)} className="mt-1 accent-brand-600" />
              <Icon className={clsx("mt-0.5 size-4 shrink-0", choice === value ? "text-brand-600 dark:text-brand-100" : "text-zinc-400")} aria-hidden />
              <span className="min-w-0">
                <span className="block text-sm font-medium">{label}</span>
                <span className="mt-0.5 block break-words text-xs text-zinc-500 dark:text-zinc-400">{hint}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {left > 1 ? (
          <label className="mt-4 flex items-center gap-2 text-sm">
            <input type="checkbox" checked={toAll} onChange={(e) => setToAll(e.target.checked)} className="size-4 accent-brand-600" />
            {t("uploadConflict.applyToAll", { count: left })}
          </label>
        ) : null}
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={props.onCancel}>
            {t("uploadConflict.cancel")}
          </Button>
          <Button type="submit" autoFocus>
            {t("uploadConflict.upload")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
