import { AdminSystem } from "@/components/admin/system";

export default function Page() {
  return <AdminSystem />;
}
