import { RecentView } from "@/components/drive/recent-starred-views";

export const metadata = { title: "Recent" };

export default function RecentPage() {
  return <RecentView />;
}
