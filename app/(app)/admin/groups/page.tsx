import { AdminGroups } from "@/components/admin/groups/groups";

export default function Page() {
  return <AdminGroups />;
}
