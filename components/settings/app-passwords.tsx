"use client";
import { HardDrive } from "lucide-react";
import { ApiTokens } from "@/components/settings/api-tokens";
import { useT } from "@/components/i18n/i18n-provider";

/** App passwords are personal API tokens; with the WebDAV address they mount the drive. */
export function AppPasswords({ email, baseUrl }: { email: string; baseUrl: string }) {
  const t = useT();
  const rows = [
    [t("security.webdavUrl"), `${baseUrl}/dav/`],
    [t("security.webdavUser"), email],
  ];
  return (
    <div className="space-y-5">
      <div className="max-w-2xl rounded-xl border border-zinc-200 bg-zinc-50/60 p-4 dark:border-zinc-800 dark:bg-zinc-900/60">
        <div className="flex items-center gap-2 text-sm font-medium">
          <HardDrive className="size-4 text-brand-600" aria-hidden />
          {t("security.webdavTitle")}
        </div>
        <dl className="mt-3 grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
          {rows.map(([label, value]) => (
            <div key={label} className="contents">
              <dt className="text-zinc-500">{label}</dt>
              <dd>
                <code className="break-all rounded bg-white px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-950" data-testid={label === rows[0]![0] ? "webdav-url" : undefined}>
                  {value}
                </code>
              </dd>
            </div>
          ))}
        </dl>
        <p className="mt-2 text-xs text-zinc-500">{t("security.webdavPassword")}</p>
      </div>
      <ApiTokens />
    </div>
  );
}
