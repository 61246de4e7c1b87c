import { MyLinksView } from "@/components/share/my-links-view";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.links");

export default function MyLinksPage() {
  return <MyLinksView />;
}
