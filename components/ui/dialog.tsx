"use client";
import { useEffect, type ReactNode } from "react";

const widths = { sm: "max-w-sm", md: "max-w-md", lg: "max-w-lg" };

/**
 * A centred modal: closes on Escape and on a click outside. `alertdialog` for a question about
 * something that cannot be undone.
 */
export function Dialog(props: {
  labelledBy: string;
  describedBy?: string;
  role?: "dialog" | "alertdialog";
  size?: keyof typeof widths;
  onClose: () => void;
  children: ReactNode;
}) {
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);
  const width = widths[props.size ?? "sm"];
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-zinc-950/40 p-4 backdrop-blur-[2px]" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        role={props.role ?? "dialog"}
        aria-modal="true"
        aria-labelledby={props.labelledBy}
        aria-describedby={props.describedBy}
        className={`w-full ${width} rounded-2xl bg-white p-6 shadow-2xl dark:bg-zinc-900`}
      >
        {props.children}
      </div>
    </div>
  );
}
