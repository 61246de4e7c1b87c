import { AdminShares } from "@/components/admin/shares";

export default function Page() {
  return <AdminShares />;
}
