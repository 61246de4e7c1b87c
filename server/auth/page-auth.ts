import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authenticateRequest } from "@/server/auth/request-auth";
import type { Actor } from "@/server/auth/actor";

/**
 * For server components: the signed-in actor, or a redirect to sign-in. Pages render for an account
 * with 2FA set-up pending: the shell leads it to the security settings, and its data calls refuse.
 */
export async function requirePageActor(callbackPath?: string): Promise<Actor> {
  const actor = await authenticateRequest(await headers(), { setupAllowed: true });
  if (!actor) redirect(callbackPath ? `/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}` : "/sign-in");
  return actor;
}

export async function getPageActor(): Promise<Actor | null> {
  return authenticateRequest(await headers(), { setupAllowed: true });
}
