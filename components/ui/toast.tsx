"use client";
import { createContext, useCallback, useContext, useState, type ReactNode } from "react";
import { CheckCircle2, AlertCircle, X } from "lucide-react";

export interface ToastAction {
  label: string;
  onClick: () => void | Promise<void>;
}
type Toast = { id: number; kind: "success" | "error"; text: string; action?: ToastAction };
type Push = (kind: Toast["kind"], text: string, action?: ToastAction) => void;
const ToastContext = createContext<Push>(() => {});

export function useToast() {
  return useContext(ToastContext);
}

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const push = useCallback<Push>(
    (kind, text, action) => {
      const id = Date.now() + Math.random();
      setToasts((t) => [...t.slice(-3), { id, kind, text, action }]);
      // An undo stays long enough to be reached for.
      setTimeout(() => dismiss(id), action ? 10_000 : kind === "error" ? 8000 : 4000);
    },
    [dismiss],
  );
  return (
    <ToastContext.Provider value={push}>
      {children}
      {/* Above the phone's bottom bar and above the upload panel when it is open (bottom-dock.ts). */}
      <div className="pointer-events-none fixed inset-x-0 bottom-[calc(5rem+env(safe-area-inset-bottom)+var(--upload-dock,0px))] z-50 flex px-4 md:bottom-[calc(1.5rem+var(--upload-dock,0px))] flex-col items-center gap-2" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div
            key={t.id}
            data-testid="toast"
            className="pointer-events-auto flex max-w-md items-center gap-3 rounded-xl bg-zinc-900 px-4 py-3 text-sm text-white shadow-2xl dark:bg-zinc-800"
          >
            {t.kind === "success" ? <CheckCircle2 className="size-4 shrink-0 text-emerald-400" /> : <AlertCircle className="size-4 shrink-0 text-red-400" />}
            <span className="flex-1">{t.text}</span>
            {t.action ? (
              <button
                className="rounded-md px-2 py-1 font-semibold text-sky-300 hover:bg-white/10"
                onClick={() => {
                  dismiss(t.id);
                  void t.action!.onClick();
                }}
              >
                {t.action.label}
              </button>
            ) : null}
            <button aria-label="Dismiss" onClick={() => dismiss(t.id)} className="text-zinc-400 hover:text-white">
              <X className="size-4" />
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
