import { AdminUsers } from "@/components/admin/users";

export default function Page() {
  return <AdminUsers />;
}
