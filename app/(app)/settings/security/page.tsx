import { requirePageActor } from "@/server/auth/page-auth";
import { getMe } from "@/server/auth/auth.service";
import { getEnv } from "@/server/env";
import { getRequestLocale } from "@/server/i18n/request-locale";
import { translateUi } from "@/components/i18n/translate";
import { SettingsTabs } from "@/components/settings/settings-tabs";
import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { TwoFactorPanel } from "@/components/settings/two-factor-panel";
import { AppPasswords } from "@/components/settings/app-passwords";
import { LinkedAccounts } from "@/components/settings/linked-accounts";
import { TwoFactorPolicy } from "@/components/settings/two-factor-policy";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.security");

export default async function SecuritySettingsPage() {
  const me = await getMe(await requirePageActor("/settings/security"));
  const locale = await getRequestLocale();
  const t = (key: Parameters<typeof translateUi>[1], params?: Record<string, string | number>) => translateUi(locale, key, params);
  const section = (title: string, intro: string, body: React.ReactNode, id?: string) => (
    <section className="space-y-4" id={id}>
      <div>
        <h2 className="font-semibold">{title}</h2>
        <p className="text-sm text-zinc-500">{intro}</p>
      </div>
      {body}
    </section>
  );
  return (
    <div className="mx-auto max-w-4xl space-y-10 px-4 py-6 md:px-8">
      <div>
        <h1 className="text-2xl font-semibold">{t("settings.title")}</h1>
        <p className="mt-1 text-sm text-zinc-500">{t("security.intro")}</p>
        <div className="mt-5">
          <SettingsTabs />
        </div>
      </div>
      {section(t("security.twoFactor"), t("security.twoFactorIntro"), <TwoFactorPanel />, "two-factor")}
      {section(t("settings.password"), t("settings.passwordIntro"), <ChangePasswordForm email={me.email} />)}
      {section(t("security.appPasswords"), t("security.appPasswordsIntro"), <AppPasswords email={me.email} baseUrl={getEnv().baseUrl} />)}
      {section(t("security.linked"), t("security.linkedIntro"), <LinkedAccounts />)}
      {me.role === "ADMIN" ? section(t("security.policyTitle"), t("security.policyIntro"), <TwoFactorPolicy />) : null}
    </div>
  );
}
