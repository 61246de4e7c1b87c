"use client";
import { useEffect, useRef, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { FolderPlus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useTRPC } from "@/components/trpc/client";
import { useToast } from "@/components/ui/toast";
import { nodeNameSchema } from "@/server/drive/drive.schemas";
import { translateIssue } from "@/server/i18n/issue";
import { useLocale, useT } from "@/components/i18n/i18n-provider";

export function NewFolderDialog({ parentId, onClose }: { parentId: string; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const create = useMutation(trpc.drive.createFolder.mutationOptions());
  const t = useT();
  const locale = useLocale();

  useEffect(() => {
    input.current?.select();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const parsed = nodeNameSchema.safeParse(input.current?.value ?? "");
    if (!parsed.success) return setError(translateIssue(parsed.error.issues[0]!.message, locale));
    try {
      await create.mutateAsync({ parentId, name: parsed.data });
      await queryClient.invalidateQueries({ queryKey: trpc.drive.list.pathKey() });
      toast("success", t("drive.createdFolder", { name: parsed.data }));
      onClose();
    } catch (err) {
      setError((err as Error).message);
    }
  }

  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-zinc-950/40 p-4 backdrop-blur-[2px]" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <form role="dialog" aria-modal="true" aria-labelledby="nf-title" onSubmit={submit} className="w-full max-w-sm rounded-2xl bg-white p-6 shadow-2xl dark:bg-zinc-900">
        <div className="flex items-center gap-3">
          <div className="flex size-10 items-center justify-center rounded-full bg-sky-100 text-sky-600 dark:bg-sky-500/15">
            <FolderPlus className="size-5" />
          </div>
          <h2 id="nf-title" className="text-lg font-semibold">
            {t("drive.newFolder")}
          </h2>
        </div>
        <input
          ref={input}
          name="name"
          aria-label={t("drive.folderName")}
          defaultValue={t("drive.untitledFolder")}
          onChange={() => setError(null)}
          className="mt-5 block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm outline-none focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 dark:border-zinc-700 dark:bg-zinc-950"
        />
        {error ? (
          <p role="alert" className="mt-2 text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        ) : null}
        <div className="mt-6 flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={onClose}>
            {t("drive.cancel")}
          </Button>
          <Button type="submit" disabled={create.isPending}>
            {t("drive.create")}
          </Button>
        </div>
      </form>
    </div>
  );
}
