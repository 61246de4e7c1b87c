"use client";
import { useState, type FormEvent } from "react";
import clsx from "clsx";
import { Download, Eye, Upload, ArrowDownUp } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { useT } from "@/components/i18n/i18n-provider";
import { MiB, toLocalInput } from "@/components/share/share-format";
import type { SharePermission } from "@/server/share/share.schemas";

export interface LinkFormValues {
  permission: SharePermission;
  /** undefined keeps the current password (edit), null removes it, a string sets it. */
  password: string | null | undefined;
  expiresAt: Date | null;
  maxDownloads: number | null;
  maxUploadBytes: number | null;
  label: string | null;
  recipients: string[];
}

const PERMS: { value: SharePermission; icon: typeof Eye }[] = [
  { value: "VIEW", icon: Eye },
  { value: "DOWNLOAD", icon: Download },
  { value: "UPLOAD", icon: Upload },
  { value: "DOWNLOAD_UPLOAD", icon: ArrowDownUp },
];

/** The fields of a link, for a new one or an edit (`initial` given: no recipients, password kept unless typed). */
export function LinkForm(props: {
  isFolder: boolean;
  initial?: { permission: SharePermission; hasPassword: boolean; expiresAt: Date | null; maxDownloads: number | null; maxUploadBytes: number | null; label: string | null };
  submitLabel: string;
  busyLabel: string;
  onSubmit: (values: LinkFormValues) => Promise<void>;
  onCancel?: () => void;
  error?: string | null;
  fieldErrors?: Record<string, string> | null;
}) {
  const t = useT();
  const init = props.initial;
  const [permission, setPermission] = useState<SharePermission>(init?.permission ?? (props.isFolder ? "DOWNLOAD" : "DOWNLOAD"));
  const [password, setPassword] = useState("");
  const [removePassword, setRemovePassword] = useState(false);
  const [expires, setExpires] = useState(toLocalInput(init?.expiresAt ?? null));
  const [maxDownloads, setMaxDownloads] = useState(init?.maxDownloads ? String(init.maxDownloads) : "");
  const [maxUpload, setMaxUpload] = useState(init?.maxUploadBytes ? String(Math.round(init.maxUploadBytes / MiB)) : "");
  const [label, setLabel] = useState(init?.label ?? "");
  const [recipients, setRecipients] = useState("");
  const [busy, setBusy] = useState(false);
  const perms = PERMS.filter((p) => props.isFolder || p.value === "VIEW" || p.value === "DOWNLOAD");
  const uploads = permission === "UPLOAD" || permission === "DOWNLOAD_UPLOAD";
  const downloads = permission === "DOWNLOAD" || permission === "DOWNLOAD_UPLOAD";
  const fe = props.fieldErrors ?? {};

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await props.onSubmit({
        permission,
        password: removePassword ? null : password ? password : init ? undefined : null,
        expiresAt: expires ? new Date(expires) : null,
        maxDownloads: downloads && maxDownloads ? Number(maxDownloads) : null,
        maxUploadBytes: uploads && maxUpload ? Math.round(Number(maxUpload) * MiB) : null,
        label: label.trim() || null,
        recipients: recipients
          .split(/[,;\s]+/)
          .map((s) => s.trim())
          .filter(Boolean),
      });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="space-y-4" data-testid="link-form">
      <fieldset>
        <legend className="sr-only">{t("sharing.title")}</legend>
        <div className="grid grid-cols-2 gap-2">
          {perms.map(({ value, icon: Icon }) => (
            <label
              key={value}
              className={clsx(
                "flex cursor-pointer items-start gap-2.5 rounded-xl border p-3 text-sm transition",
                permission === value
                  ? "border-brand-500 bg-brand-50 ring-2 ring-brand-500/20 dark:bg-brand-500/10"
                  : "border-zinc-200 hover:border-zinc-300 dark:border-zinc-700 dark:hover:border-zinc-600",
              )}
            >
              <input type="radio" name="permission" value={value} checked={permission === value} onChange={() => setPermission(value)} className="sr-only" />
              <Icon className={clsx("mt-0.5 size-4 shrink-0", permission === value ? "text-brand-600 dark:text-brand-100" : "text-zinc-400")} />
              <span>
                <span className="block font-medium">{t(`sharing.perm.${value}`)}</span>
                <span className="block text-xs text-zinc-500">{t(`sharing.permHint.${value}`)}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <Field
            label={init?.hasPassword ? t("sharing.password") : t("sharing.passwordOptional")}
            type="password"
            autoComplete="new-password"
            value={password}
            disabled={removePassword}
            placeholder={init?.hasPassword ? "••••••••" : ""}
            hint={init?.hasPassword ? t("sharing.passwordKeep") : undefined}
            error={fe.password}
            onChange={(e) => setPassword(e.target.value)}
            name="link-password"
          />
          {init?.hasPassword && (
            <label className="mt-1.5 flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
              <input type="checkbox" checked={removePassword} onChange={(e) => setRemovePassword(e.target.checked)} /> {t("sharing.removePassword")}
            </label>
          )}
        </div>
        <Field label={t("sharing.expiry")} type="datetime-local" value={expires} onChange={(e) => setExpires(e.target.value)} error={fe.expiresAt} name="link-expiry" />
        {downloads && (
          <Field
            label={t("sharing.maxDownloads")}
            type="number"
            min={1}
            inputMode="numeric"
            value={maxDownloads}
            placeholder={t("sharing.maxDownloadsHint")}
            onChange={(e) => setMaxDownloads(e.target.value)}
            error={fe.maxDownloads}
            name="link-max-downloads"
          />
        )}
        {uploads && (
          <Field
            label={t("sharing.maxUpload")}
            type="number"
            min={1}
            inputMode="numeric"
            value={maxUpload}
            placeholder={t("sharing.maxUploadHint")}
            onChange={(e) => setMaxUpload(e.target.value)}
            error={fe.maxUploadBytes}
            name="link-max-upload"
          />
        )}
        <Field label={t("sharing.label")} value={label} placeholder={t("sharing.labelPlaceholder")} onChange={(e) => setLabel(e.target.value)} maxLength={100} name="link-label" />
        {!init && (
          <Field
            label={t("sharing.recipients")}
            value={recipients}
            placeholder={t("sharing.recipientsPlaceholder")}
            hint={t("sharing.recipientsHint")}
            error={Object.entries(fe).find(([k]) => k.startsWith("recipients"))?.[1]}
            onChange={(e) => setRecipients(e.target.value)}
            name="link-recipients"
          />
        )}
      </div>
      {props.error && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-500/10 dark:text-red-300">
          {props.error}
        </p>
      )}
      <div className="flex justify-end gap-2">
        {props.onCancel && (
          <Button type="button" variant="ghost" onClick={props.onCancel}>
            {t("sharing.cancel")}
          </Button>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? props.busyLabel : props.submitLabel}
        </Button>
      </div>
    </form>
  );
}
