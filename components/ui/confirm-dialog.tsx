"use client";
import { useId } from "react";
import { AlertTriangle } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

/**
 * A destructive question: what goes, what follows, and a red button to go ahead. Focus starts on
 * Cancel so that Enter never destroys anything by accident.
 */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  detail?: string;
  confirmLabel: string;
  cancelLabel: string;
  pending: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const id = useId();
  return (
    <Dialog role="alertdialog" size="md" labelledBy={`${id}-title`} describedBy={`${id}-body`} onClose={props.onClose}>
      <div className="flex gap-4">
        <div className="flex size-10 shrink-0 items-center justify-center rounded-full bg-red-100 text-red-600 dark:bg-red-500/15 dark:text-red-400">
          <AlertTriangle className="size-5" />
        </div>
        <div className="min-w-0">
          <h2 id={`${id}-title`} className="text-lg font-semibold break-words">
            {props.title}
          </h2>
          <div id={`${id}-body`} className="mt-1.5 space-y-1 text-sm text-zinc-600 dark:text-zinc-400">
            <p className="break-words">{props.body}</p>
            {props.detail ? <p>{props.detail}</p> : null}
          </div>
        </div>
      </div>
      <div className="mt-6 flex justify-end gap-2">
        <Button autoFocus type="button" variant="ghost" onClick={props.onClose}>
          {props.cancelLabel}
        </Button>
        <Button type="button" variant="danger" onClick={props.onConfirm} disabled={props.pending}>
          {props.confirmLabel}
        </Button>
      </div>
    </Dialog>
  );
}
