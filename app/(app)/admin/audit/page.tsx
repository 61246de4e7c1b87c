import { AdminAudit } from "@/components/admin/audit";

export default function Page() {
  return <AdminAudit />;
}
