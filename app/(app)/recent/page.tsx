import { RecentView } from "@/components/drive/recent-starred-views";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.recent");

export default function RecentPage() {
  return <RecentView />;
}
