import { AdminTeamFolders } from "@/components/teams/admin-team-folders";

export default function Page() {
  return <AdminTeamFolders />;
}
