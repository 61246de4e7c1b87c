import { SYSTEM_ACTOR_IDS } from "@/server/audit/system-actors";

/** Who is asking. Every service takes one and decides access from it. */
export interface Actor {
  userId: string;
  role: "USER" | "ADMIN";
  via: "session" | "token" | "cli";
  /**
   * A browser session whose account the admin's policy requires two-factor sign-in of, and that
   * has none yet: only the calls that set it up are allowed (`allowedDuringTwoFactorSetup`).
   */
  twoFactorSetupPending?: boolean;
}

/** The admin CLI acts with full rights; it only runs with access to the data directory. */
export const cliActor: Actor = { userId: SYSTEM_ACTOR_IDS.cli, role: "ADMIN", via: "cli" };
/** The identity provider's SCIM client acts with an admin's rights on accounts and groups. */
export const scimActor: Actor = { userId: SYSTEM_ACTOR_IDS.scim, role: "ADMIN", via: "cli" };
