import { StarredView } from "@/components/drive/recent-starred-views";

export const metadata = { title: "Starred" };

export default function StarredPage() {
  return <StarredView />;
}
