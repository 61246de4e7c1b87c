import Link from "next/link";
import { Logo } from "@/components/ui/logo";
import { getRequestLocale } from "@/server/i18n/request-locale";
import { translateUi } from "@/components/i18n/translate";

export default async function NotFound() {
  const locale = await getRequestLocale();
  return (
    <main className="flex min-h-screen flex-col items-center justify-center px-6 text-center">
      <Logo className="text-lg" />
      <h1 className="mt-8 text-2xl font-semibold">{translateUi(locale, "notFound.title")}</h1>
      <p className="mt-2 text-sm text-zinc-500">{translateUi(locale, "notFound.body")}</p>
      <Link href="/drive" className="mt-6 text-sm font-medium text-brand-600 hover:underline">
        {translateUi(locale, "notFound.back")}
      </Link>
    </main>
  );
}
