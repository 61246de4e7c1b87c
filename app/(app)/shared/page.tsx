import { SharedWithMeView } from "@/components/share/shared-with-me-view";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.shared");

export default function SharedWithMePage() {
  return <SharedWithMeView />;
}
