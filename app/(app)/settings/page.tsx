import { requirePageActor } from "@/server/auth/page-auth";
import { getMe } from "@/server/auth/auth.service";
import { getRequestLocale } from "@/server/i18n/request-locale";
import { translateUi } from "@/components/i18n/translate";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { LanguageSwitch } from "@/components/i18n/language-switch";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.settings");

export default async function SettingsPage() {
  const me = await getMe(await requirePageActor("/settings"));
  const locale = await getRequestLocale();
  const t = (key: Parameters<typeof translateUi>[1], params?: Record<string, string | number>) => translateUi(locale, key, params);
  return (
    <div className="mx-auto max-w-4xl space-y-10 px-4 py-6 md:px-8">
      <div>
        <h1 className="text-2xl font-semibold">{t("settings.title")}</h1>
        <p className="mt-1 text-sm text-zinc-500">
          {t("settings.signedInAs", { name: me.name, email: me.email })}
          {me.role === "ADMIN" ? ` · ${t("app.admin")}` : ""}
        </p>
        <div className="mt-5">
          <SettingsTabs />
        </div>
      </div>
      <section className="space-y-3">
        <div>
          <h2 className="font-semibold">{t("settings.language")}</h2>
          <p className="text-sm text-zinc-500">{t("settings.languageIntro")}</p>
        </div>
        <LanguageSwitch />
      </section>
    </div>
  );
}
