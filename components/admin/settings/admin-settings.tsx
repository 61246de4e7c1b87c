"use client";
import { useEffect, useId, useMemo, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import clsx from "clsx";
import { ImageUp, Lock, MailCheck, RotateCcw, Save, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { Logo } from "@/components/ui/logo";
import { useTRPC } from "@/components/trpc/client";
import { useLocale, useT } from "@/components/i18n/i18n-provider";
import { useToast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { Badge, Card, PageHeader, selectClass } from "@/components/admin/admin-ui";
import { msg, translateIssue } from "@/server/i18n/issue";
import { formatBytes } from "@/server/i18n/messages";
import { LOGO_MAX_BYTES, LOGO_TYPES, SETTINGS, SETTING_GROUPS, SMTP_SETTING_KEYS, isSettingKey, type SettingKey } from "@/server/settings/settings.schemas";
import type { RouterOutputs } from "@/server/runtime/trpc-router";

type Listed = RouterOutputs["admin"]["settings"]["list"][number];

const UNITS = [
  { label: "KiB", bytes: 1024 },
  { label: "MiB", bytes: 1024 ** 2 },
  { label: "GiB", bytes: 1024 ** 3 },
  { label: "TiB", bytes: 1024 ** 4 },
] as const;

/** What a field holds while it is edited: text as typed, a unit for sizes, "none" for no limit. */
interface Draft {
  text: string;
  unit: number;
  none: boolean;
}

function draftOf(key: SettingKey, value: unknown): Draft {
  const input = SETTINGS[key].input;
  // A secret's field starts empty (the server sends only a mask): typing replaces it.
  if (input.kind === "secret") return { text: "", unit: UNITS[2].bytes, none: value === null };
  if (value === null) return { text: "", unit: UNITS[2].bytes, none: true };
  if (input.kind === "bytes" && typeof value === "number") {
    const unit = [...UNITS].reverse().find((u) => value % u.bytes === 0 && value >= u.bytes) ?? UNITS[0];
    return { text: String(value / unit.bytes), unit: unit.bytes, none: false };
  }
  return { text: String(value), unit: UNITS[2].bytes, none: false };
}

function valueOf(key: SettingKey, d: Draft): unknown {
  const input = SETTINGS[key].input;
  if (input.kind === "choice" || input.kind === "text") return d.text;
  if (input.kind === "secret") return d.text === "" ? (d.none ? null : undefined) : d.text;
  if (input.kind === "boolean") return d.text === "true";
  if (d.none) return null;
  const n = d.text.trim() === "" ? Number.NaN : Number(d.text);
  return input.kind === "bytes" ? Math.round(n * d.unit) : n;
}

/** What "no value" means for a nullable setting. */
function noneLabelOf(key: SettingKey, t: ReturnType<typeof useT>): string {
  if (key === "versionsDays") return t("adminSettings.keepForever");
  if (key === "shareMaxExpiryDays") return t("adminSettings.noExpiryLimit");
  if (SETTINGS[key].input.kind === "secret") return t("adminSettings.secretNone");
  return t("adminSettings.unlimited");
}

/** A value as the page shows it elsewhere ("Default: 30 days", "1 TiB", "Unlimited"). */
function describe(key: SettingKey, value: unknown, locale: "en" | "zh", t: ReturnType<typeof useT>): string {
  const input = SETTINGS[key].input;
  if (value === null) return noneLabelOf(key, t);
  if (input.kind === "boolean") return (value ? input.on : input.off)[locale];
  if (input.kind === "bytes" && typeof value === "number") return formatBytes(value);
  if (input.kind === "integer") return `${String(value)} ${input.unit[locale]}`.trim();
  if (input.kind === "secret") return "••••••";
  if (input.kind === "text" && value === "") return "—";
  if (input.kind === "choice") return input.options.find((o) => o.value === value)?.label[locale] ?? String(value);
  return String(value);
}

export function AdminSettings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const toast = useToast();
  const t = useT();
  const locale = useLocale();
  const list = useQuery(trpc.admin.settings.list.queryOptions());
  const save = useMutation(trpc.admin.settings.update.mutationOptions());
  const [drafts, setDrafts] = useState<Partial<Record<SettingKey, Draft>>>({});
  const [serverErrors, setServerErrors] = useState<Partial<Record<SettingKey, string>>>({});

  const byKey = useMemo(() => new Map((list.data ?? []).map((s) => [s.key, s])), [list.data]);
  // A fresh list (after a save, or a change by another admin) resets the fields to what is stored.
  useEffect(() => {
    if (list.data) setDrafts(Object.fromEntries(list.data.map((s) => [s.key, draftOf(s.key, s.value)])));
  }, [list.data]);

  const dirty = (list.data ?? []).filter((s) => {
    const d = drafts[s.key];
    if (!d || s.fixedByEnv) return false;
    const v = valueOf(s.key, d);
    if (SETTINGS[s.key].input.kind === "secret") return v !== undefined && !(v === null && s.value === null);
    return JSON.stringify(v) !== JSON.stringify(s.value);
  });
  const errors: Partial<Record<SettingKey, string>> = { ...serverErrors };
  for (const s of dirty) {
    const parsed = SETTINGS[s.key].schema.safeParse(valueOf(s.key, drafts[s.key]!));
    if (!parsed.success) errors[s.key] ??= translateIssue(parsed.error.issues[0]?.message ?? "input.invalid", locale);
  }
  const hasErrors = dirty.some((s) => errors[s.key]);

  const edit = (key: SettingKey, patch: Partial<Draft>) => {
    setDrafts((all) => ({ ...all, [key]: { ...all[key]!, ...patch } }));
    setServerErrors((e) => ({ ...e, [key]: undefined }));
  };

  const submit = async () => {
    if (hasErrors) return toast("error", t("adminSettings.fixErrors"));
    const changes = Object.fromEntries(dirty.map((s) => [s.key, SETTINGS[s.key].schema.parse(valueOf(s.key, drafts[s.key]!))]));
    try {
      const fresh = await save.mutateAsync({ changes });
      queryClient.setQueryData(trpc.admin.settings.list.queryKey(), fresh);
      setServerErrors({});
      toast("success", t("adminSettings.saved"));
    } catch (err) {
      const fieldErrors = (err as { data?: { fieldErrors?: Record<string, string> | null } }).data?.fieldErrors;
      if (fieldErrors) setServerErrors(Object.fromEntries(Object.entries(fieldErrors).filter(([k]) => isSettingKey(k))));
      toast("error", t("adminSettings.failed", { message: (err as Error).message }));
    }
  };

  return (
    <div className="space-y-6" data-testid="admin-settings">
      <PageHeader title={t("adminSettings.title")} intro={t("adminSettings.intro")} />
      {list.isError ? <p className="text-sm text-red-600 dark:text-red-400">{t("adminSettings.loadFailed")}</p> : null}
      {list.isPending ? <p className="text-sm text-zinc-500">{t("admin.common.loading")}</p> : null}
      {list.data
        ? SETTING_GROUPS.map((group) => (
            <Card key={group} title={t(`adminSettings.groups.${group}.title`)} subtitle={t(`adminSettings.groups.${group}.subtitle`)}>
              <div className="divide-y divide-zinc-100 dark:divide-zinc-800">
                {list.data
                  .filter((s) => s.group === group)
                  .map((s) => (
                    <SettingRow
                      key={s.key}
                      setting={s}
                      draft={drafts[s.key]}
                      error={dirty.includes(s) || serverErrors[s.key] ? errors[s.key] : undefined}
                      isDirty={dirty.includes(s)}
                      onEdit={(patch) => edit(s.key, patch)}
                      describe={(v) => describe(s.key, v, locale, t)}
                    />
                  ))}
              </div>
              {group === "general" ? <LogoRow /> : null}
              {group === "mail" ? <TestMail draft={() => smtpDraft(list.data, drafts)} /> : null}
            </Card>
          ))
        : null}
      {/* The save bar stays in view while there is something to save. */}
      <div
        className={clsx(
          "sticky bottom-4 z-20 rounded-2xl border border-zinc-200 bg-white/95 shadow-lg backdrop-blur transition dark:border-zinc-700 dark:bg-zinc-900/95",
          dirty.length === 0 && "pointer-events-none translate-y-4 opacity-0",
        )}
        aria-hidden={dirty.length === 0}
      >
        <div className="flex flex-wrap items-center justify-end gap-3 px-4 py-3">
          <span className="mr-auto text-sm text-zinc-600 dark:text-zinc-300">{t("adminSettings.unsaved", { count: dirty.length })}</span>
          <Button variant="secondary" disabled={save.isPending} onClick={() => list.data && setDrafts(Object.fromEntries(list.data.map((x) => [x.key, draftOf(x.key, x.value)])))}>
            <RotateCcw className="size-4" /> {t("adminSettings.discard")}
          </Button>
          <Button disabled={save.isPending || byKey.size === 0} onClick={() => void submit()} data-testid="settings-save">
            <Save className="size-4" /> {save.isPending ? t("adminSettings.saving") : t("adminSettings.save")}
          </Button>
        </div>
      </div>
    </div>
  );
}

function toBase64(bytes: ArrayBuffer): string {
  let binary = "";
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The site logo: uploaded at once (not with the save bar), checked again and re-encoded by the server. */
function LogoRow() {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const toast = useToast();
  const router = useRouter();
  const queryClient = useQueryClient();
  const id = useId();
  const current = useQuery(trpc.admin.settings.logo.queryOptions());
  const upload = useMutation(trpc.admin.settings.setLogo.mutationOptions());
  const remove = useMutation(trpc.admin.settings.removeLogo.mutationOptions());
  const [error, setError] = useState<string | null>(null);
  const logoUrl = current.data?.logoUrl ?? null;
  const busy = upload.isPending || remove.isPending;

  const done = async (fresh: { logoUrl: string | null }, message: string) => {
    queryClient.setQueryData(trpc.admin.settings.logo.queryKey(), fresh);
    setError(null);
    toast("success", message);
    // The header's logo comes from the root layout: render it again with the new one.
    router.refresh();
  };
  const pick = async (file: File | undefined) => {
    if (!file) return;
    // The same rules as the server's, said before the upload.
    if (!(LOGO_TYPES as readonly string[]).includes(file.type)) return setError(translateIssue("logo.type", locale));
    if (file.size > LOGO_MAX_BYTES) return setError(translateIssue(msg("logo.tooLarge", { max: formatBytes(LOGO_MAX_BYTES) }), locale));
    try {
      await done(await upload.mutateAsync({ data: toBase64(await file.arrayBuffer()) }), t("adminSettings.logoSaved"));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <div className="grid gap-3 border-t border-zinc-100 pt-4 mt-4 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] md:gap-8 dark:border-zinc-800" data-testid="setting-siteLogo">
      <div className="min-w-0">
        <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
          {t("adminSettings.logo")}
        </label>
        <p className="mt-1 text-xs text-zinc-500">{t("adminSettings.logoHelp")}</p>
        <p className="mt-1 text-xs text-zinc-400 dark:text-zinc-500">{t("adminSettings.logoRules")}</p>
      </div>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-4">
          <div className="flex h-16 min-w-40 items-center justify-center rounded-xl border border-dashed border-zinc-300 bg-zinc-50 px-4 dark:border-zinc-700 dark:bg-zinc-950/40">
            {logoUrl ? (
              <img src={logoUrl} alt={t("adminSettings.logoPreview")} className="max-h-12 max-w-40 object-contain" data-testid="logo-preview" />
            ) : (
              <Logo className="text-sm text-zinc-500" />
            )}
          </div>
          <div className="flex flex-wrap gap-2">
            <label
              className={clsx(
                "inline-flex cursor-pointer items-center gap-2 rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm font-medium shadow-sm transition hover:bg-zinc-50 focus-within:ring-3 focus-within:ring-brand-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800",
                busy && "pointer-events-none opacity-60",
              )}
            >
              <ImageUp className="size-4" />
              {upload.isPending ? t("adminSettings.logoUploading") : logoUrl ? t("adminSettings.logoReplace") : t("adminSettings.logoUpload")}
              <input
                id={id}
                type="file"
                accept={LOGO_TYPES.join(",")}
                className="sr-only"
                data-testid="logo-input"
                disabled={busy}
                onChange={(e) => {
                  void pick(e.target.files?.[0]);
                  e.target.value = "";
                }}
              />
            </label>
            {logoUrl ? (
              <Button variant="secondary" disabled={busy} onClick={() => void remove.mutateAsync().then((fresh) => done(fresh, t("adminSettings.logoRemoved")), (err: Error) => setError(err.message))} data-testid="logo-remove">
                <Trash2 className="size-4" /> {t("adminSettings.logoRemove")}
              </Button>
            ) : null}
          </div>
        </div>
        {error ? (
          <p role="alert" className="mt-1.5 text-sm text-red-600 dark:text-red-400" data-testid="logo-error">
            {error}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** The SMTP fields as the form holds them, for a test mail (a secret not retyped is left out: the stored one is used). */
function smtpDraft(listed: Listed[], drafts: Partial<Record<SettingKey, Draft>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SMTP_SETTING_KEYS) {
    const s = listed.find((x) => x.key === key);
    const d = drafts[key];
    if (!s || !d || s.fixedByEnv) continue;
    const v = valueOf(key, d);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

function TestMail({ draft }: { draft: () => Record<string, unknown> }) {
  const trpc = useTRPC();
  const t = useT();
  const locale = useLocale();
  const me = useQuery(trpc.auth.me.queryOptions());
  const send = useMutation(trpc.admin.settings.sendTestMail.mutationOptions());
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const email = me.data?.email ?? "";
  const run = async () => {
    setResult(null);
    try {
      const { to } = await send.mutateAsync({ draft: draft() });
      setResult({ ok: true, text: t("adminSettings.testMailSent", { email: to }) });
    } catch (err) {
      const fieldErrors = (err as { data?: { fieldErrors?: Record<string, string> | null } }).data?.fieldErrors;
      const first = fieldErrors ? Object.entries(fieldErrors).find(([k]) => isSettingKey(k)) : undefined;
      setResult({ ok: false, text: first ? `${SETTINGS[first[0] as SettingKey].label[locale]}: ${first[1]}` : (err as Error).message });
    }
  };
  return (
    <div className="mt-5 flex flex-col gap-3 border-t border-zinc-100 pt-4 sm:flex-row sm:items-start dark:border-zinc-800" data-testid="smtp-test">
      <div className="min-w-0 flex-1">
        <p className="text-xs text-zinc-500">{t("adminSettings.testMailHint", { email })}</p>
        {result ? (
          <p
            role={result.ok ? "status" : "alert"}
            data-testid="smtp-test-result"
            className={clsx(
              "mt-2 rounded-lg border px-3 py-2 text-sm",
              result.ok
                ? "border-emerald-200 bg-emerald-50 text-emerald-800 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200"
                : "border-red-200 bg-red-50 text-red-700 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-300",
            )}
          >
            {result.ok ? null : <span className="font-medium">{t("adminSettings.testMailFailed")}: </span>}
            {result.text}
          </p>
        ) : null}
      </div>
      <Button variant="secondary" disabled={send.isPending} onClick={() => void run()} data-testid="smtp-test-send">
        <MailCheck className="size-4" /> {send.isPending ? t("adminSettings.testMailSending") : t("adminSettings.testMail")}
      </Button>
    </div>
  );
}

function SettingRow({
  setting,
  draft,
  error,
  isDirty,
  onEdit,
  describe: show,
}: {
  setting: Listed;
  draft: Draft | undefined;
  error: string | undefined;
  isDirty: boolean;
  onEdit: (patch: Partial<Draft>) => void;
  describe: (v: unknown) => string;
}) {
  const t = useT();
  const locale = useLocale();
  const id = useId();
  const def = SETTINGS[setting.key];
  const noteId = `${id}-note`;
  const fixed = setting.fixedByEnv;
  return (
    <div className="grid gap-3 py-4 first:pt-0 last:pb-0 md:grid-cols-[minmax(0,2fr)_minmax(0,3fr)] md:gap-8" data-testid={`setting-${setting.key}`}>
      <div className="min-w-0">
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
            {def.label[locale]}
          </label>
          {fixed ? (
            <Badge tone="amber">
              <Lock className="size-3" /> {t("adminSettings.fixed", { env: setting.env })}
            </Badge>
          ) : isDirty ? (
            <Badge tone="brand">{t("adminSettings.changed")}</Badge>
          ) : null}
        </div>
        <p className="mt-1 text-xs text-zinc-500">{def.help[locale]}</p>
        <p className="mt-1 text-xs text-zinc-400 dark:text-zinc-500">{t("adminSettings.defaultIs", { value: show(setting.defaultValue) })}</p>
      </div>
      <div className="min-w-0">
        {draft ? <Control id={id} noteId={noteId} setting={setting} draft={draft} fixed={fixed} error={error} onEdit={onEdit} /> : null}
        {fixed ? (
          <p id={noteId} className="mt-1.5 text-xs text-amber-700 dark:text-amber-300">
            {t("adminSettings.fixedHint", { env: setting.env })}
          </p>
        ) : error ? (
          <p id={noteId} role="alert" className="mt-1.5 text-sm text-red-600 dark:text-red-400">
            {error}
          </p>
        ) : null}
      </div>
    </div>
  );
}

const inputClass =
  "block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none transition placeholder:text-zinc-400 focus:border-brand-500 focus:ring-3 focus:ring-brand-500/20 disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 aria-[invalid=true]:border-red-500 dark:border-zinc-700 dark:bg-zinc-900 dark:disabled:bg-zinc-800/60";

function Control({
  id,
  noteId,
  setting,
  draft,
  fixed,
  error,
  onEdit,
}: {
  id: string;
  noteId: string;
  setting: Listed;
  draft: Draft;
  fixed: boolean;
  error: string | undefined;
  onEdit: (patch: Partial<Draft>) => void;
}) {
  const t = useT();
  const locale = useLocale();
  const input = SETTINGS[setting.key].input;
  const aria = { "aria-invalid": !!error, "aria-describedby": error || fixed ? noteId : undefined };

  if (input.kind === "choice" || input.kind === "boolean") {
    const options =
      input.kind === "choice"
        ? input.options
        : [
            { value: "true", label: input.on },
            { value: "false", label: input.off },
          ];
    return (
      <div role="radiogroup" id={id} aria-label={SETTINGS[setting.key].label[locale]} className={clsx("grid gap-2", options.length > 2 ? "sm:grid-cols-3" : "sm:grid-cols-2")} {...aria}>
        {options.map((o) => {
          const checked = draft.text === o.value;
          return (
            <button
              key={o.value}
              type="button"
              role="radio"
              aria-checked={checked}
              disabled={fixed}
              onClick={() => onEdit({ text: o.value })}
              className={clsx(
                "rounded-xl border px-3 py-2.5 text-left text-sm transition disabled:cursor-not-allowed",
                checked
                  ? "border-brand-500 bg-brand-50 font-medium text-brand-700 ring-3 ring-brand-500/15 dark:bg-brand-500/10 dark:text-brand-100"
                  : "border-zinc-200 bg-white hover:border-zinc-300 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:border-zinc-700",
                fixed && !checked && "opacity-50",
              )}
            >
              {o.label[locale]}
            </button>
          );
        })}
      </div>
    );
  }

  if (input.kind === "text") {
    return (
      <input
        id={id}
        type="text"
        value={draft.text}
        placeholder={input.placeholder}
        maxLength={input.maxLength + 20}
        disabled={fixed}
        onChange={(e) => onEdit({ text: e.target.value })}
        className={inputClass}
        {...aria}
      />
    );
  }

  if (input.kind === "secret") {
    const saved = setting.value !== null;
    return (
      <div className="space-y-2">
        <input
          id={id}
          type="password"
          autoComplete="new-password"
          value={draft.text}
          placeholder={fixed || (saved && !draft.none) ? "••••••••" : undefined}
          maxLength={input.maxLength + 20}
          disabled={fixed}
          onChange={(e) => onEdit({ text: e.target.value, none: false })}
          className={inputClass}
          {...aria}
        />
        {!fixed && saved ? (
          <div className="flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-zinc-500">
            <span>{t("adminSettings.secretSet")}</span>
            <label className="inline-flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
              <input
                type="checkbox"
                checked={draft.none && draft.text === ""}
                onChange={(e) => onEdit({ none: e.target.checked, text: "" })}
                className="size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500 dark:border-zinc-700"
              />
              {t("adminSettings.secretNone")}
            </label>
          </div>
        ) : null}
      </div>
    );
  }

  const noneLabel = noneLabelOf(setting.key, t);
  return (
    <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
      <div className="flex min-w-0 items-center gap-2">
        <input
          id={id}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={draft.none ? "" : draft.text}
          placeholder={draft.none ? "—" : undefined}
          disabled={fixed || draft.none}
          onChange={(e) => onEdit({ text: e.target.value })}
          className={clsx(inputClass, "max-w-48 tabular-nums")}
          {...aria}
        />
        {input.kind === "bytes" ? (
          <select
            aria-label={`${SETTINGS[setting.key].label[locale]} (unit)`}
            value={draft.unit}
            disabled={fixed || draft.none}
            onChange={(e) => onEdit({ unit: Number(e.target.value) })}
            className={clsx(selectClass, "disabled:opacity-60")}
          >
            {UNITS.map((u) => (
              <option key={u.label} value={u.bytes}>
                {u.label}
              </option>
            ))}
          </select>
        ) : (
          input.unit[locale] ? <span className="text-sm text-zinc-500">{input.unit[locale]}</span> : null
        )}
      </div>
      {input.nullable ? (
        <label className="inline-flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
          <input
            type="checkbox"
            checked={draft.none}
            disabled={fixed}
            onChange={(e) => onEdit({ none: e.target.checked, text: e.target.checked ? "" : draft.text })}
            className="size-4 rounded border-zinc-300 text-brand-600 focus:ring-brand-500 dark:border-zinc-700"
          />
          {noneLabel}
        </label>
      ) : null}
    </div>
  );
}
