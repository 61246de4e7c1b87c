import { TrashView } from "@/components/drive/trash-view";
import { localizedTitle } from "@/components/i18n/page-title";

export const generateMetadata = localizedTitle("titles.trash");

/** A team folder's trash: the service shows it to the folder's editors and managers only. */
export default async function TeamTrashPage({ params }: { params: Promise<{ teamFolderId: string }> }) {
  const { teamFolderId } = await params;
  return <TrashView teamFolderId={teamFolderId} />;
}
