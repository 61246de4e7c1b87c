"use client";
import { createContext, useCallback, useContext, type ReactNode } from "react";
import { translateUi, type Params, type UiKey } from "@/components/i18n/translate";
import type { Locale } from "@/server/i18n/messages";

const LocaleContext = createContext<Locale>("en");

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** `t("drive.upload")`, in the language of the page. */
export function useT() {
  const locale = useLocale();
  return useCallback((key: UiKey, params?: Params) => translateUi(locale, key, params), [locale]);
}
