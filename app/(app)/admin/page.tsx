import { AdminOverview } from "@/components/admin/overview";

export default function Page() {
  return <AdminOverview />;
}
