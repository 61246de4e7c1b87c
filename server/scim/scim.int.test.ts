// SCIM 2.0 over HTTP, with the request sequences Entra ID and Okta send when they provision.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "@/server/test/test-db";
import { callerFor, createTestUser, uniqueEmail } from "@/server/test/factories";
import { createTestSessionCookie, createTestToken, startHttpHarness, type HttpHarness } from "@/server/test/http-harness";
import { createContext } from "@/server/trpc/init";
import { createCaller } from "@/server/runtime/trpc-router";
import { authenticateApiToken } from "@/server/auth/api-token.service";
import { createScimToken, revokeScimToken } from "@/server/scim/scim-token.service";
import { cliActor } from "@/server/auth/actor";
import { runAdminCommand } from "@/server/admin/admin-commands";
import { completeOidcSignIn } from "@/server/auth/oidc.service";

const t = useTestDatabase();
let http: HttpHarness;
let token: string;
beforeAll(async () => {
  http = await startHttpHarness();
  token = (await createScimToken({ actor: cliActor, name: "Entra ID" })).token;
});
afterAll(() => http.close());

type Json = Record<string, unknown> & { id: string };

async function scim(method: string, path: string, body?: unknown, opts: { auth?: string | null; raw?: string } = {}) {
  const headers: Record<string, string> = { "Content-Type": "application/scim+json" };
  const auth = opts.auth === undefined ? `Bearer ${token}` : opts.auth;
  if (auth) headers.Authorization = auth;
  const res = await fetch(`${http.baseUrl}/scim/v2${path}`, { method, headers, body: opts.raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), json: (text ? JSON.parse(text) : null) as Json };
}

const filter = (expr: string) => `filter=${encodeURIComponent(expr)}`;
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

async function meVia(headers: Record<string, string>) {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return createCaller(await createContext(lower)).auth.me();
}

describe("SCIM authentication and errors", () => {
  it("answers 401 with a SCIM error to a missing, wrong or revoked token", async () => {
    for (const auth of [null, "Bearer nope", `Bearer ${token}x`, `Basic ${Buffer.from("a:b").toString("base64")}`]) {
      const r = await scim("GET", "/Users", undefined, { auth });
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "401" });
    }
    const other = await createScimToken({ actor: cliActor, name: "to revoke" });
    expect((await scim("GET", "/ServiceProviderConfig", undefined, { auth: `Bearer ${other.token}` })).status).toBe(200);
    await revokeScimToken({ actor: cliActor, tokenId: other.scimToken.id });
    expect((await scim("GET", "/ServiceProviderConfig", undefined, { auth: `Bearer ${other.token}` })).status).toBe(401);
    // Only the hash is stored.
    const row = await t.prisma.scimToken.findUniqueOrThrow({ where: { id: other.scimToken.id } });
    expect(JSON.stringify(row)).not.toContain(other.token);
  });

  it("answers malformed bodies and unsupported filters with SCIM error documents", async () => {
    const bad = await scim("POST", "/Users", undefined, { raw: "{not json" });
    expect(bad).toMatchObject({ status: 400, json: { status: "400", scimType: "invalidSyntax" } });
    expect(bad.type).toContain("application/scim+json");
    expect(await scim("POST", "/Users", { schemas: [], name: { givenName: "x" } })).toMatchObject({ status: 400, json: { scimType: "invalidValue" } });
    expect(await scim("POST", "/Users", { userName: "not an email" })).toMatchObject({ status: 400, json: { scimType: "invalidValue" } });
    expect(await scim("GET", `/Users?${filter('name.givenName co "x"')}`)).toMatchObject({ status: 400, json: { scimType: "invalidFilter" } });
    expect(await scim("PATCH", `/Users/${randomUUID()}`, { Operations: [{ op: "replace", path: "active", value: false }] })).toMatchObject({ status: 404, json: { status: "404" } });
    const { json: u } = await scim("POST", "/Users", { userName: uniqueEmail("patchy") });
    expect(await scim("PATCH", `/Users/${u.id}`, { Operations: [{ op: "explode" }] })).toMatchObject({ status: 400, json: { scimType: "invalidValue" } });
    expect(await scim("PATCH", `/Users/${u.id}`, { Operations: [] })).toMatchObject({ status: 400 });
    expect(await scim("GET", "/Nope")).toMatchObject({ status: 404, json: { status: "404" } });
  });

  it("serves ServiceProviderConfig and ResourceTypes", async () => {
    const cfg = await scim("GET", "/ServiceProviderConfig");
    expect(cfg.json).toMatchObject({ patch: { supported: true }, filter: { supported: true }, bulk: { supported: false } });
    expect((await scim("GET", "/ResourceTypes")).json).toMatchObject({ totalResults: 2 });
  });

  it("the admin CLI makes, lists and revokes SCIM tokens", async () => {
    const made = (await runAdminCommand("scim-token", { _: ["create", "Keycloak"] })) as { token: string; id: string };
    expect((await scim("GET", "/ServiceProviderConfig", undefined, { auth: `Bearer ${made.token}` })).status).toBe(200);
    expect(await runAdminCommand("scim-token", { _: ["list"] })).toEqual(expect.arrayContaining([expect.objectContaining({ id: made.id, name: "Keycloak", revoked: false })]));
    await runAdminCommand("scim-token", { _: ["revoke", made.id] });
    expect((await scim("GET", "/Users", undefined, { auth: `Bearer ${made.token}` })).status).toBe(401);
    await expect(runAdminCommand("scim-token", { _: ["create"] })).rejects.toThrow(/usage: scim-token/);
  });

  it("admin.scim.* is admin-only", async () => {
    const { actor } = await createTestUser();
    await expect(callerFor(actor).admin.scim.createToken({ name: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const admin = await createTestUser({ role: "ADMIN" });
    const made = await callerFor(admin.actor).admin.scim.createToken({ name: "Okta" });
    expect(made.token).toMatch(/^ypscim_/);
    expect((await callerFor(admin.actor).admin.scim.tokens()).map((x) => x.id)).toContain(made.scimToken.id);
    expect(await t.prisma.auditEvent.count({ where: { action: "scim.token.create", targetId: made.scimToken.id, actorId: admin.user.id } })).toBe(1);
  });
});

describe("Entra ID's provisioning sequence", () => {
  it("looks a user up, creates, updates, deactivates (ending every session and token) and deletes them", async () => {
    const userName = uniqueEmail("entra");
    expect((await scim("GET", `/Users?${filter(`userName eq "${userName}"`)}`)).json).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await scim("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName,
      active: true,
      emails: [{ primary: true, type: "work", value: userName }],
      meta: { resourceType: "User" },
      name: { formatted: "Erin Example", familyName: "Example", givenName: "Erin" },
      roles: [],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ userName, active: true, displayName: "Erin Example", externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef" });
    const id = created.json.id;
    expect(await scim("POST", "/Users", { userName: userName.toUpperCase() })).toMatchObject({ status: 409, json: { scimType: "uniqueness" } });
    expect((await scim("GET", `/Users?${filter(`userName eq "${userName}"`)}`)).json).toMatchObject({ totalResults: 1, Resources: [{ id }] });
    expect((await scim("GET", `/Users/${id}`)).json).toMatchObject({ id, userName });

    const renamed = uniqueEmail("entra-new");
    const patched = await scim("PATCH", `/Users/${id}`, {
      schemas: [PATCH],
      Operations: [
        { op: "Replace", path: 'emails[type eq "work"].value', value: renamed },
        { op: "Replace", path: "name.familyName", value: "Updated" },
        { op: "Add", path: "title", value: "Engineer" },
      ],
    });
    expect(patched).toMatchObject({ status: 200, json: { userName: renamed, displayName: "Erin Updated" } });

    // The person has a browser session and an app password before IT switches them off.
    const cookie = await createTestSessionCookie(id);
    const { token: appPassword, headers: bearer } = await createTestToken({ userId: id, role: "USER", via: "session" });
    await expect(meVia({ cookie })).resolves.toMatchObject({ id });
    await expect(meVia(bearer)).resolves.toMatchObject({ id });
    const off = await scim("PATCH", `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: "Replace", path: "active", value: "False" }] });
    expect(off).toMatchObject({ status: 200, json: { active: false } });
    await expect(meVia({ cookie })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    await expect(meVia(bearer)).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await authenticateApiToken(appPassword)).toBeNull();
    // Reactivation lets them sign in again, but the revoked tokens stay revoked.
    expect(await scim("PATCH", `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: "Replace", path: "active", value: true }] })).toMatchObject({ json: { active: true } });
    expect(await authenticateApiToken(appPassword)).toBeNull();
    expect(await t.prisma.apiToken.count({ where: { userId: id, revokedAt: null } })).toBe(0);

    expect((await scim("DELETE", `/Users/${id}`)).status).toBe(204);
    expect((await scim("GET", `/Users/${id}`)).status).toBe(404);
    const row = await t.prisma.user.findUniqueOrThrow({ where: { id } });
    expect(row.deletionRequestedAt).not.toBeNull();
    const actions = (await t.prisma.auditEvent.findMany({ where: { targetId: id, action: { startsWith: "scim." } }, orderBy: { at: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["scim.user.create", "scim.user.update", "scim.user.deactivate", "scim.user.activate", "scim.user.delete"]);
    // The deletion the SCIM client asked for is in the log as well, against no account (it once
    // failed on the foreign key: "scim" is not a user id).
    expect(await t.prisma.auditEvent.findMany({ where: { targetId: id, action: "admin.user.delete" }, select: { actorId: true } })).toEqual([{ actorId: null }]);
  });

  it("creates a group, finds it by displayName without members, adds and removes members with PATCH", async () => {
    const ann = (await scim("POST", "/Users", { userName: uniqueEmail("ann"), active: true })).json;
    const bob = (await scim("POST", "/Users", { userName: uniqueEmail("bob"), active: true })).json;
    const displayName = `Entra group ${randomUUID().slice(0, 6)}`;
    const made = await scim("POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], externalId: randomUUID(), displayName, members: [], meta: { resourceType: "Group" } });
    expect(made).toMatchObject({ status: 201, json: { displayName, members: [] } });
    const gid = made.json.id;
    const found = await scim("GET", `/Groups?excludedAttributes=members&${filter(`displayName eq "${displayName}"`)}`);
    expect(found.json).toMatchObject({ totalResults: 1, Resources: [{ id: gid, displayName }] });
    expect((found.json.Resources as Json[])[0]).not.toHaveProperty("members");

    await scim("PATCH", `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: "Add", path: "members", value: [{ $ref: null, value: ann.id }, { $ref: null, value: bob.id }] }] });
    let group = (await scim("GET", `/Groups/${gid}`)).json;
    expect((group.members as { value: string }[]).map((m) => m.value).sort()).toEqual([ann.id, bob.id].sort());
    expect(await t.prisma.groupMember.findMany({ where: { groupId: gid } })).toEqual(expect.arrayContaining([expect.objectContaining({ userId: ann.id, source: "scim" })]));
    await scim("PATCH", `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: "Remove", path: "members", value: [{ $ref: null, value: ann.id }] }] });
    group = (await scim("GET", `/Groups/${gid}`)).json;
    expect((group.members as { value: string }[]).map((m) => m.value)).toEqual([bob.id]);
    const renamed = await scim("PATCH", `/Groups/${gid}`, { schemas: [PATCH], Operations: [{ op: "Replace", path: "displayName", value: `${displayName} v2` }] });
    expect(renamed.json).toMatchObject({ displayName: `${displayName} v2` });
    expect(await scim("PATCH", `/Groups/${gid}`, { Operations: [{ op: "Add", path: "members", value: [{ value: randomUUID() }] }] })).toMatchObject({ status: 400, json: { scimType: "invalidValue" } });
    expect(await scim("POST", "/Groups", { displayName: displayName.toUpperCase() + " V2" })).toMatchObject({ status: 409, json: { scimType: "uniqueness" } });
    const actions = (await t.prisma.auditEvent.findMany({ where: { targetId: gid }, orderBy: { at: "asc" } })).map((a) => a.action);
    expect(actions).toEqual(["group.created", "group.member_added", "group.member_added", "group.member_removed", "group.renamed"]);
    expect((await scim("DELETE", `/Groups/${gid}`)).status).toBe(204);
    expect(await t.prisma.groupMember.count({ where: { groupId: gid } })).toBe(0);
    expect((await scim("GET", `/Groups/${gid}`)).status).toBe(404);
  });
});

describe("SCIM and single sign-on together", () => {
  it("a provisioned person's first single sign-on links their account (no password to confirm with); a deactivated one is refused", async () => {
    const userName = uniqueEmail("sso-scim");
    const { json: u } = await scim("POST", "/Users", { userName, active: true });
    const first = await completeOidcSignIn({ identity: { subject: randomUUID(), email: userName, emailVerified: true, name: "X", groups: null } });
    expect(first).toMatchObject({ kind: "signedIn", userId: u.id, created: false });
    // An unverified email still links nothing.
    await expect(completeOidcSignIn({ identity: { subject: randomUUID(), email: userName, emailVerified: false, name: "X" } })).rejects.toMatchObject({ key: "oidc.emailUnverified" });
    const other = uniqueEmail("sso-scim-off");
    const { json: off } = await scim("POST", "/Users", { userName: other, active: false });
    await expect(completeOidcSignIn({ identity: { subject: randomUUID(), email: other, emailVerified: true, name: "Y" } })).rejects.toMatchObject({ key: "auth.disabled" });
    expect(await t.prisma.linkedAccount.count({ where: { userId: off.id } })).toBe(0);
  });

  it("an account made with a password (not by SCIM) still needs its password to link", async () => {
    const { user } = await createTestUser();
    const outcome = await completeOidcSignIn({ identity: { subject: randomUUID(), email: user.email, emailVerified: true, name: "Z" } });
    expect(outcome.kind).toBe("confirmLink");
  });
});

describe("Okta's provisioning sequence", () => {
  it("creates a user, updates them with PUT, deactivates with a path-less replace, and manages a group", async () => {
    const userName = uniqueEmail("okta");
    expect((await scim("GET", `/Users?${filter(`userName eq "${userName}"`)}&startIndex=1&count=100`)).json).toMatchObject({ totalResults: 0, startIndex: 1 });
    const created = await scim("POST", "/Users", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
      userName,
      name: { givenName: "Olive", familyName: "Kta" },
      emails: [{ primary: true, value: userName, type: "work" }],
      displayName: "Olive Kta",
      locale: "en-US",
      externalId: "00u1abcd",
      groups: [],
      password: "ignored-by-yunpan",
      active: true,
    });
    expect(created).toMatchObject({ status: 201, json: { userName, displayName: "Olive Kta", active: true } });
    const id = created.json.id;
    expect(await t.prisma.user.findUniqueOrThrow({ where: { id } })).toMatchObject({ passwordHash: null });
    const put = await scim("PUT", `/Users/${id}`, { schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"], id, userName, name: { givenName: "Olivia", familyName: "Kta" }, emails: [{ primary: true, value: userName }], active: true });
    expect(put.json).toMatchObject({ displayName: "Olivia Kta" });
    const off = await scim("PATCH", `/Users/${id}`, { schemas: [PATCH], Operations: [{ op: "replace", value: { active: false } }] });
    expect(off.json).toMatchObject({ active: false });
    expect((await t.prisma.user.findUniqueOrThrow({ where: { id } })).disabledAt).not.toBeNull();

    const mate = (await scim("POST", "/Users", { userName: uniqueEmail("mate") })).json;
    const g = (await scim("POST", "/Groups", { schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"], displayName: `Okta ${randomUUID().slice(0, 6)}`, members: [{ value: mate.id, display: "mate" }] })).json;
    expect(g.members).toEqual([expect.objectContaining({ value: mate.id })]);
    await scim("PATCH", `/Groups/${g.id}`, { schemas: [PATCH], Operations: [{ op: "replace", value: { id: g.id, displayName: "Okta renamed " + g.id.slice(0, 4) } }] });
    await scim("PATCH", `/Groups/${g.id}`, { schemas: [PATCH], Operations: [{ op: "add", path: "members", value: [{ value: id, display: userName }] }] });
    await scim("PATCH", `/Groups/${g.id}`, { schemas: [PATCH], Operations: [{ op: "remove", path: `members[value eq "${mate.id}"]` }] });
    const after = (await scim("GET", `/Groups/${g.id}`)).json;
    expect(after).toMatchObject({ displayName: "Okta renamed " + g.id.slice(0, 4), members: [{ value: id }] });
    // A group the provider pushes with PUT gets exactly the members listed.
    const replaced = await scim("PUT", `/Groups/${g.id}`, { displayName: "Okta renamed " + g.id.slice(0, 4), members: [{ value: mate.id }] });
    expect((replaced.json.members as { value: string }[]).map((m) => m.value)).toEqual([mate.id]);
  });
});
