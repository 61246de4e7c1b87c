import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { AppError } from "@/server/errors/app-error";
import { getSharePage } from "@/server/share/share-access.service";
import { SharePageView } from "@/components/share/public/share-page-view";
import { localizedTitle } from "@/components/i18n/page-title";

// Every visit decides access anew (status, password, subtree): never prerendered or cached.
export const dynamic = "force-dynamic";

// A share page is never indexed: the link is meant for the people it was given to.
export const generateMetadata = localizedTitle("titles.share", { robots: { index: false, follow: false }, referrer: "no-referrer" });

export default async function SharePage({ params, searchParams }: { params: Promise<{ token: string }>; searchParams: Promise<{ folder?: string }> }) {
  const { token } = await params;
  const { folder } = await searchParams;
  const h = await headers();
  try {
    const data = await getSharePage({ token, cookieHeader: h.get("cookie"), folderId: typeof folder === "string" ? folder : null, ip: h.get("x-yunpan-client-ip") });
    return <SharePageView token={token} data={data} />;
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  }
}
