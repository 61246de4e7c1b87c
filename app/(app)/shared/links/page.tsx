import { MyLinksView } from "@/components/share/my-links-view";

export const metadata = { title: "My links" };

export default function MyLinksPage() {
  return <MyLinksView />;
}
