import { SharedWithMeView } from "@/components/share/shared-with-me-view";

export const metadata = { title: "Shared with me" };

export default function SharedWithMePage() {
  return <SharedWithMeView />;
}
