import { TrashView } from "@/components/drive/trash-view";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.trash");

export default function TrashPage() {
  return <TrashView />;
}
