import { DriveView } from "@/components/drive/drive-view";

export const metadata = { title: "My Drive" };

export default function DrivePage() {
  return <DriveView folderId={null} />;
}
