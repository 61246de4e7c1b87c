export type Locale = "en" | "zh";
export const LOCALES: Locale[] = ["en", "zh"];
