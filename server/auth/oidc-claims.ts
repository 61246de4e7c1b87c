/**
 * The group names in a sign-in's claims under OIDC_GROUPS_CLAIM: the claim itself ("groups", or a
 * namespaced "https://example.com/groups"), else a dotted path into nested claims
 * ("realm_access.roles"). A list of strings, or one string, counts; an absent claim is no groups
 * (providers leave it out for someone in none), except when the provider says it sent the groups
 * elsewhere (Entra ID's "overage": `_claim_names`), where null leaves memberships as they are.
 */
export function readGroupsClaim(claims: Record<string, unknown>, claim: string): string[] | null {
  let value: unknown = claims[claim];
  if (value === undefined && claim.includes(".")) {
    value = claim.split(".").reduce<unknown>((at, part) => (at && typeof at === "object" ? (at as Record<string, unknown>)[part] : undefined), claims);
  }
  if (value === undefined || value === null) {
    const elsewhere = claims._claim_names;
    if (elsewhere && typeof elsewhere === "object" && claim in elsewhere) return null;
    return [];
  }
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === "string");
  return null;
}
