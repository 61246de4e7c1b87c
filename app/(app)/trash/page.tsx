import { TrashView } from "@/components/drive/trash-view";

export const metadata = { title: "Trash" };

export default function TrashPage() {
  return <TrashView />;
}
