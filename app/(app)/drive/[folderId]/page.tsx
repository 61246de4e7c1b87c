import { notFound } from "next/navigation";
import { DriveView } from "@/components/drive/drive-view";
import { nodeIdSchema } from "@/server/drive/drive.schemas";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.drive");

export default async function FolderPage({ params }: { params: Promise<{ folderId: string }> }) {
  const { folderId } = await params;
  if (!nodeIdSchema.safeParse(folderId).success) notFound();
  return <DriveView folderId={folderId} />;
}
