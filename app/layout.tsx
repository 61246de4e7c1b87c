import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { getRequestLocale } from "@/server/i18n/request-locale";
import { translateUi } from "@/components/i18n/translate";
import { getBranding, getSettings } from "@/server/settings/settings.service";
import { BrandingProvider } from "@/components/ui/branding";
import { SETTINGS } from "@/server/settings/settings.schemas";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const locale = await getRequestLocale();
  // The admin's site name (Admin → Settings or SITE_NAME); the product's own name, per language, otherwise.
  const siteName = await getSettings().then(
    (s) => (s.siteName === SETTINGS.siteName.defaultValue ? null : s.siteName),
    () => null,
  );
  return {
    title: siteName
      ? { default: siteName, template: `%s · ${siteName}` }
      : { default: translateUi(locale, "titles.default"), template: translateUi(locale, "titles.template", { page: "%s" }) },
    description: translateUi(locale, "titles.description"),
    // public/: the mark as SVG with a PNG for browsers without SVG icons; the manifest is app/manifest.ts.
    icons: {
      icon: [
        { url: "/favicon.svg", type: "image/svg+xml" },
        { url: "/favicon-32.png", sizes: "32x32", type: "image/png" },
      ],
      apple: "/apple-touch-icon.png",
    },
  };
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getRequestLocale();
  // The logo as this replica knows it now (every replica re-reads within a second of a change).
  const logoUrl = await getBranding().then(
    (b) => b.logoUrl,
    () => null,
  );
  return (
    <html lang={locale === "zh" ? "zh-CN" : "en"}>
      <body>
        <I18nProvider locale={locale}>
          <BrandingProvider logoUrl={logoUrl}>
            <Providers>{children}</Providers>
          </BrandingProvider>
        </I18nProvider>
      </body>
    </html>
  );
}
