import type { ReactNode } from "react";
import { requirePageActor } from "@/server/auth/page-auth";
import { getMe } from "@/server/auth/auth.service";
import { AppShell } from "@/components/shell/app-shell";
import { UploadManager } from "@/components/upload/upload-manager";
import { LiveEvents } from "@/components/live/live-events";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await requirePageActor();
  const me = await getMe(actor);
  return (
    <AppShell me={me}>
      <LiveEvents meId={me.id}>
        <UploadManager>{children}</UploadManager>
      </LiveEvents>
    </AppShell>
  );
}
