import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers";
import { I18nProvider } from "@/components/i18n/i18n-provider";
import { getRequestLocale } from "@/server/i18n/request-locale";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Yunpan 云盘", template: "%s · Yunpan" },
  description: "Your self-hosted cloud drive",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  const locale = await getRequestLocale();
  return (
    <html lang={locale === "zh" ? "zh-CN" : "en"}>
      <body>
        <I18nProvider locale={locale}>
          <Providers>{children}</Providers>
        </I18nProvider>
      </body>
    </html>
  );
}
