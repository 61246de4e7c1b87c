import { requirePageActor } from "@/server/auth/page-auth";
import { getRequestLocale } from "@/server/i18n/request-locale";
import { translateUi } from "@/components/i18n/translate";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { Webhooks } from "@/components/settings/webhooks";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.settings");

export default async function IntegrationsSettingsPage() {
  await requirePageActor("/settings/integrations");
  const locale = await getRequestLocale();
  const t = (key: Parameters<typeof translateUi>[1]) => translateUi(locale, key);
  return (
    <div className="mx-auto max-w-4xl space-y-10 px-4 py-6 md:px-8">
      <div>
        <h1 className="text-2xl font-semibold">{t("settings.title")}</h1>
        <div className="mt-5">
          <SettingsTabs />
        </div>
      </div>
      <section className="space-y-4">
        <div>
          <h2 className="font-semibold">{t("webhooks.title")}</h2>
          <p className="text-sm text-zinc-500">{t("webhooks.intro")}</p>
        </div>
        <Webhooks />
      </section>
    </div>
  );
}
