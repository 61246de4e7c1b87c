import { StarredView } from "@/components/drive/recent-starred-views";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.starred");

export default function StarredPage() {
  return <StarredView />;
}
