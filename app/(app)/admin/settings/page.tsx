import { AdminSettings } from "@/components/admin/settings/admin-settings";

export default function Page() {
  return <AdminSettings />;
}
