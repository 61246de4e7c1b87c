import { AdminScim } from "@/components/admin/scim/admin-scim";
import { getEnv } from "@/server/env";

export default function Page() {
  // The address identity providers call: this server's public URL and the SCIM route.
  return <AdminScim baseUrl={`${getEnv().baseUrl}/scim/v2`} />;
}
