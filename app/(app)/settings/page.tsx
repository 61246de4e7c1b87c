import { requirePageActor } from "@/server/auth/page-auth";
import { getMe } from "@/server/auth/auth.service";
import { ChangePasswordForm } from "@/components/settings/change-password-form";
import { ApiTokens } from "@/components/settings/api-tokens";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const me = await getMe(await requirePageActor("/settings"));
  return (
    <div className="mx-auto max-w-4xl space-y-10 px-4 py-6 md:px-8">
      <div>
        <h1 className="text-2xl font-semibold">Settings</h1>
        <p className="mt-1 text-sm text-zinc-500">
          Signed in as {me.name} ({me.email}){me.role === "ADMIN" ? " · Administrator" : ""}
        </p>
      </div>
      <section className="space-y-4">
        <div>
          <h2 className="font-semibold">Password</h2>
          <p className="text-sm text-zinc-500">Changing it signs you out everywhere else.</p>
        </div>
        <ChangePasswordForm email={me.email} />
      </section>
      <section className="space-y-4">
        <div>
          <h2 className="font-semibold">Personal API tokens</h2>
          <p className="text-sm text-zinc-500">For scripts and tools: they act as you until you revoke them. Only a hash is stored.</p>
        </div>
        <ApiTokens />
      </section>
    </div>
  );
}
