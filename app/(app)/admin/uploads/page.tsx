import { AdminUploads } from "@/components/admin/uploads";

export default function Page() {
  return <AdminUploads />;
}
