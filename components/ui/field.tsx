import { useId, type InputHTMLAttributes } from "react";

export function Field({ label, error, hint, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | null; hint?: string }) {
  const id = useId();
  const noteId = `${id}-note`;
  return (
    <div>
      <label htmlFor={id} className="mb-1.5 block text-sm font-medium text-zinc-700 dark:text-zinc-300">
        {label}
      </label>
      <input
        {...props}
        id={id}
        aria-invalid={!!error}
        aria-describedby={error || hint ? noteId : undefined}
        className="block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none transition placeholder:text-zinc-400 focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
      />
      {error ? (
        <span id={noteId} className="mt-1 block text-sm text-red-600 dark:text-red-400">
          {error}
        </span>
      ) : hint ? (
        <span id={noteId} className="mt-1 block text-xs text-zinc-500">
          {hint}
        </span>
      ) : null}
    </div>
  );
}
