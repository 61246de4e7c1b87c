/**
 * The ids that system actors (the admin CLI, the identity provider's SCIM client) act under. They
 * are not accounts: an audit row names no user for them (AuditEvent.actorId references User).
 */
export const SYSTEM_ACTOR_IDS = { cli: "cli", scim: "scim" } as const;

const SYSTEM = new Set<string>(Object.values(SYSTEM_ACTOR_IDS));

/** The account an action is recorded against: none for a system actor. */
export function auditActorId(actorId: string | null | undefined): string | null {
  return actorId && !SYSTEM.has(actorId) ? actorId : null;
}
