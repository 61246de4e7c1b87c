import { DriveView } from "@/components/drive/drive-view";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.drive");

export default function DrivePage() {
  return <DriveView folderId={null} />;
}
