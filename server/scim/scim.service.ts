// SCIM 2.0 (RFC 7643 resources, RFC 7644 protocol) for identity providers: Users are Yunpan
// accounts (userName = the email), Groups are groups. The rules stay in the services that own them
// (groups.service for names and memberships; deletion is the admin's, handed in by the runtime, as
// server/admin imports this folder for its tokens); this file turns SCIM's shapes and PATCH
// operations into those calls.
import { z } from "zod";
import { getPrisma } from "@/server/db/client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import { createRootFolder } from "@/server/auth/root-folder";
import { displayNameSchema, emailSchema } from "@/server/auth/auth.schemas";
import { addGroupMember, createGroup, deleteGroup, removeGroupMember, renameGroup } from "@/server/groups/groups.service";
import { groupNameKey } from "@/server/groups/groups.schemas";
import { scimActor, type Actor } from "@/server/auth/actor";

export const SCIM_USER = "urn:ietf:params:scim:schemas:core:2.0:User";
export const SCIM_GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
export const SCIM_LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

/** What the endpoint answers when a request cannot be done: RFC 7644 §3.12. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly scimType?: "invalidFilter" | "uniqueness" | "invalidSyntax" | "invalidPath" | "invalidValue" | "mutability" | "noTarget",
  ) {
    super(detail);
  }
  toJSON() {
    return { schemas: [SCIM_ERROR], status: String(this.status), ...(this.scimType ? { scimType: this.scimType } : {}), detail: this.detail };
  }
}

const base = () => `${getEnv().baseUrl}/scim/v2`;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

// ---- Users -------------------------------------------------------------------------------------

type UserRow = { id: string; email: string; name: string; disabledAt: Date | null; createdAt: Date; updatedAt: Date; scimIdentity: { externalId: string | null } | null };

function userResource(u: UserRow) {
  return {
    schemas: [SCIM_USER],
    id: u.id,
    ...(u.scimIdentity?.externalId ? { externalId: u.scimIdentity.externalId } : {}),
    userName: u.email,
    name: { formatted: u.name },
    displayName: u.name,
    emails: [{ value: u.email, type: "work", primary: true }],
    active: u.disabledAt === null,
    meta: { resourceType: "User", created: u.createdAt.toISOString(), lastModified: u.updatedAt.toISOString(), location: `${base()}/Users/${u.id}` },
  };
}

const userInclude = { scimIdentity: { select: { externalId: true } } } as const;

/**
 * A user the provider may see: any person's account not on its way out (deleted accounts are gone
 * to SCIM; a team folder's account is no person of the directory's, to list, disable or delete).
 */
async function findUser(id: string): Promise<UserRow | null> {
  if (!isUuid(id)) return null;
  const prisma = await getPrisma();
  const u = await prisma.user.findUnique({ where: { id }, include: userInclude });
  return u && !u.deletionRequestedAt && u.kind === "PERSON" ? u : null;
}

async function requireUser(id: string): Promise<UserRow> {
  const u = await findUser(id);
  if (!u) throw new ScimError(404, `User ${id} not found`);
  return u;
}

/** SCIM booleans arrive as true/false or, from Entra ID, as the strings "True"/"False". */
const scimBool = z.union([z.boolean(), z.enum(["true", "false", "True", "False", "TRUE", "FALSE"]).transform((s) => s.toLowerCase() === "true")]);

const userBody = z.object({
  userName: z.string().min(1),
  externalId: z.string().max(400).nullish(),
  active: scimBool.optional(),
  displayName: z.string().nullish(),
  name: z.object({ formatted: z.string().nullish(), givenName: z.string().nullish(), familyName: z.string().nullish() }).partial().nullish(),
  emails: z.array(z.object({ value: z.string(), primary: scimBool.optional(), type: z.string().optional() }).passthrough()).nullish(),
});
type UserBody = z.infer<typeof userBody>;

function parseOr400<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ScimError(400, `${issue.path.join(".") || "body"}: ${issue.message}`, "invalidValue");
  }
  return parsed.data;
}

/** The account's email: userName when it is one (Entra ID and Okta send the UPN/login), else the primary email. */
function emailOf(body: { userName?: string; emails?: UserBody["emails"] }): string {
  for (const candidate of [body.userName, body.emails?.find((e) => e.primary)?.value, body.emails?.[0]?.value]) {
    const parsed = emailSchema.safeParse(candidate ?? "");
    if (parsed.success) return parsed.data;
  }
  throw new ScimError(400, "userName must be an email address (or a primary email must be given)", "invalidValue");
}

function displayNameOf(body: Partial<UserBody>, email: string): string {
  const given = [body.name?.givenName, body.name?.familyName].filter(Boolean).join(" ");
  for (const candidate of [body.displayName, body.name?.formatted, given, email.split("@")[0]]) {
    const parsed = displayNameSchema.safeParse(candidate ?? "");
    if (parsed.success) return parsed.data;
  }
  return email.split("@")[0]!.slice(0, 100);
}

export async function listScimUsers(query: { filter?: string | null; startIndex?: number; count?: number }) {
  const prisma = await getPrisma();
  const where: Record<string, unknown> = { deletionRequestedAt: null, kind: "PERSON" };
  if (query.filter) {
    const f = parseEqFilter(query.filter, ["userName", "externalId", "emails.value", "emails[type eq \"work\"].value"]);
    if (f.attribute === "externalId") where.scimIdentity = { externalId: f.value };
    else where.email = f.value.trim().toLowerCase();
  }
  const { skip, take, startIndex } = page(query);
  const [total, rows] = await Promise.all([
    prisma.user.count({ where }),
    prisma.user.findMany({ where, include: userInclude, orderBy: { createdAt: "asc" }, skip, take }),
  ]);
  return listResponse(rows.map(userResource), total, startIndex);
}

export async function getScimUser(id: string) {
  return userResource(await requireUser(id));
}

export async function createScimUser(body: unknown, meta?: RequestMeta) {
  const data = parseOr400(userBody, body);
  const email = emailOf(data);
  const name = displayNameOf(data, email);
  const prisma = await getPrisma();
  if (await prisma.user.findUnique({ where: { email } })) throw new ScimError(409, `User ${email} already exists`, "uniqueness");
  if (data.externalId && (await prisma.scimUser.findUnique({ where: { externalId: data.externalId } }))) {
    throw new ScimError(409, `externalId ${data.externalId} is already in use`, "uniqueness");
  }
  const user = await prisma.$transaction(async (tx) => {
    const made = await tx.user.create({ data: { email, name, passwordHash: null, disabledAt: data.active === false ? new Date() : null } });
    await createRootFolder(tx, made.id);
    await tx.scimUser.create({ data: { userId: made.id, externalId: data.externalId ?? null } });
    return tx.user.findUniqueOrThrow({ where: { id: made.id }, include: userInclude });
  });
  await recordAudit({ actorId: null, action: "scim.user.create", targetType: "user", targetId: user.id, meta, data: { email, active: data.active !== false } });
  return userResource(user);
}

/** The changes a PUT or PATCH asks for, applied in one place (activation last). */
interface UserChanges {
  email?: string;
  name?: string;
  externalId?: string | null;
  active?: boolean;
}

async function applyUserChanges(id: string, changes: UserChanges, meta?: RequestMeta) {
  const user = await requireUser(id);
  const prisma = await getPrisma();
  const data: { email?: string; name?: string } = {};
  if (changes.email && changes.email !== user.email) {
    if (await prisma.user.findUnique({ where: { email: changes.email } })) throw new ScimError(409, `User ${changes.email} already exists`, "uniqueness");
    data.email = changes.email;
  }
  if (changes.name && changes.name !== user.name) data.name = changes.name;
  if (Object.keys(data).length) {
    await prisma.user.update({ where: { id }, data });
    await recordAudit({ actorId: null, action: "scim.user.update", targetType: "user", targetId: id, meta, data: { email: data.email ?? user.email, ...(data.email ? { from: user.email } : {}) } });
  }
  if (changes.externalId !== undefined && changes.externalId !== (user.scimIdentity?.externalId ?? null)) {
    if (changes.externalId && (await prisma.scimUser.findFirst({ where: { externalId: changes.externalId, userId: { not: id } } }))) {
      throw new ScimError(409, `externalId ${changes.externalId} is already in use`, "uniqueness");
    }
    await prisma.scimUser.upsert({ where: { userId: id }, create: { userId: id, externalId: changes.externalId }, update: { externalId: changes.externalId } });
  }
  if (changes.active === false && user.disabledAt === null) await deactivateUser(id, user.email, meta);
  if (changes.active === true && user.disabledAt !== null) {
    await prisma.user.update({ where: { id }, data: { disabledAt: null } });
    await recordAudit({ actorId: null, action: "scim.user.activate", targetType: "user", targetId: id, meta, data: { email: user.email } });
  }
  return userResource(await requireUser(id));
}

/**
 * Someone left: sign-in stops, every browser session ends (the session version moves on), and
 * every API token and app password is revoked, in one transaction. Reactivating the account
 * does not bring the tokens back.
 */
async function deactivateUser(id: string, email: string, meta?: RequestMeta) {
  const prisma = await getPrisma();
  const others = await prisma.user.count({ where: { role: "ADMIN", disabledAt: null, deletionRequestedAt: null, id: { not: id } } });
  const me = await prisma.user.findUniqueOrThrow({ where: { id }, select: { role: true } });
  if (me.role === "ADMIN" && others === 0) throw new ScimError(409, "The last administrator cannot be deactivated", "mutability");
  const now = new Date();
  const [, tokens] = await prisma.$transaction([
    prisma.user.update({ where: { id }, data: { disabledAt: now, sessionVersion: { increment: 1 } } }),
    prisma.apiToken.updateMany({ where: { userId: id, revokedAt: null }, data: { revokedAt: now } }),
  ]);
  await recordAudit({ actorId: null, action: "scim.user.deactivate", targetType: "user", targetId: id, meta, data: { email, tokensRevoked: tokens.count } });
}

export async function replaceScimUser(id: string, body: unknown, meta?: RequestMeta) {
  const data = parseOr400(userBody, body);
  const email = emailOf(data);
  return applyUserChanges(id, { email, name: displayNameOf(data, email), externalId: data.externalId ?? null, active: data.active ?? true }, meta);
}

const patchBody = z.object({
  schemas: z.array(z.string()).optional(),
  Operations: z
    .array(z.object({ op: z.string().transform((s) => s.toLowerCase()).pipe(z.enum(["add", "replace", "remove"])), path: z.string().optional(), value: z.unknown().optional() }))
    .min(1)
    .max(1000),
});

export async function patchScimUser(id: string, body: unknown, meta?: RequestMeta) {
  const { Operations } = parseOr400(patchBody, body);
  const user = await requireUser(id);
  const changes: UserChanges = {};
  const name: { given?: string; family?: string; formatted?: string; display?: string } = {};
  const set = (path: string, value: unknown) => {
    const p = path.toLowerCase();
    if (p === "active") changes.active = parseOr400(scimBool, value);
    else if (p === "username") changes.email = emailOf({ userName: String(value) });
    else if (p === "externalid") changes.externalId = value === null ? null : String(value);
    else if (p === "displayname") name.display = String(value);
    else if (p === "name.givenname") name.given = String(value);
    else if (p === "name.familyname") name.family = String(value);
    else if (p === "name.formatted") name.formatted = String(value);
    else if (p === "name" && value && typeof value === "object") {
      const v = value as Record<string, unknown>;
      for (const k of ["givenName", "familyName", "formatted"]) if (typeof v[k] === "string") set(`name.${k}`, v[k]);
    } else if (p.startsWith("emails")) {
      const v = Array.isArray(value) ? (value as { value?: unknown }[])[0]?.value : value && typeof value === "object" ? (value as { value?: unknown }).value : value;
      const parsed = emailSchema.safeParse(String(v ?? ""));
      if (parsed.success) changes.email = parsed.data;
    }
    // Other attributes (title, phone numbers, the enterprise extension…) are not kept by Yunpan.
  };
  for (const op of Operations) {
    if (op.op === "remove") {
      if (op.path?.toLowerCase() === "externalid") changes.externalId = null;
      continue;
    }
    if (op.path) set(op.path, op.value);
    else if (op.value && typeof op.value === "object") for (const [k, v] of Object.entries(op.value as Record<string, unknown>)) set(k, v);
    else throw new ScimError(400, "An operation without a path needs an object value", "invalidSyntax");
  }
  if (name.display || name.formatted || name.given || name.family) {
    // Yunpan keeps one display name: a change to only one part keeps the other part of the current one.
    const [currentGiven = "", ...currentFamily] = user.name.split(" ");
    const given = [name.given ?? currentGiven, name.family ?? currentFamily.join(" ")].filter(Boolean).join(" ");
    changes.name = displayNameOf({ displayName: name.display ?? null, name: { formatted: name.formatted ?? (given || null) } }, changes.email ?? user.email);
  }
  return applyUserChanges(id, changes, meta);
}

/** How an account is deleted (admin-users.service's requestUserDeletion, given by the runtime). */
export type RequestUserDeletion = (input: { actor: Actor; meta?: RequestMeta; userId: string; confirmEmail: string }) => Promise<unknown>;

/** DELETE: the account goes (its data through the deletion job, as when an admin deletes it). */
export async function deleteScimUser(id: string, requestDeletion: RequestUserDeletion, meta?: RequestMeta) {
  const user = await requireUser(id);
  try {
    await requestDeletion({ actor: scimActor, meta, userId: id, confirmEmail: user.email });
  } catch (e) {
    if (e instanceof AppError && e.key === "auth.lastAdmin") throw new ScimError(409, "The last administrator cannot be deleted", "mutability");
    throw e;
  }
  await recordAudit({ actorId: null, action: "scim.user.delete", targetType: "user", targetId: id, meta, data: { email: user.email } });
}

// ---- Groups ------------------------------------------------------------------------------------

type GroupRow = { id: string; name: string; externalId: string | null; createdAt: Date; updatedAt: Date };

async function groupResource(g: GroupRow, opts: { members?: boolean } = {}) {
  const prisma = await getPrisma();
  const members =
    opts.members === false
      ? undefined
      : (await prisma.groupMember.findMany({ where: { groupId: g.id, user: { deletionRequestedAt: null } }, include: { user: { select: { email: true } } }, orderBy: { createdAt: "asc" } })).map((m) => ({
          value: m.userId,
          display: m.user.email,
          $ref: `${base()}/Users/${m.userId}`,
        }));
  return {
    schemas: [SCIM_GROUP],
    id: g.id,
    displayName: g.name,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    ...(members ? { members } : {}),
    meta: { resourceType: "Group", created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location: `${base()}/Groups/${g.id}` },
  };
}

async function requireGroup(id: string): Promise<GroupRow> {
  const prisma = await getPrisma();
  const g = isUuid(id) ? await prisma.group.findUnique({ where: { id } }) : null;
  if (!g) throw new ScimError(404, `Group ${id} not found`);
  return g;
}

const memberRefs = z.array(z.object({ value: z.string() }).passthrough()).max(10_000);
const groupBody = z.object({ displayName: z.string(), externalId: z.string().max(400).nullish(), members: memberRefs.nullish() });

/** Group service errors in SCIM's words (a taken name is a uniqueness conflict). */
async function asScim<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ScimError) throw e;
    if (e instanceof AppError) {
      if (e.code === "CONFLICT") throw new ScimError(409, e.message, "uniqueness");
      if (e.code === "NOT_FOUND") throw new ScimError(404, e.message);
      throw new ScimError(400, e.message, "invalidValue");
    }
    if (e instanceof z.ZodError) throw new ScimError(400, e.issues[0]?.message ?? "invalid value", "invalidValue");
    throw e;
  }
}

export async function listScimGroups(query: { filter?: string | null; startIndex?: number; count?: number; excludedAttributes?: string | null }) {
  const prisma = await getPrisma();
  const where: Record<string, unknown> = {};
  if (query.filter) {
    const f = parseEqFilter(query.filter, ["displayName", "externalId"]);
    if (f.attribute === "externalId") where.externalId = f.value;
    else where.nameKey = groupNameKey(f.value);
  }
  const { skip, take, startIndex } = page(query);
  const [total, rows] = await Promise.all([prisma.group.count({ where }), prisma.group.findMany({ where, orderBy: { createdAt: "asc" }, skip, take })]);
  const members = !/\bmembers\b/i.test(query.excludedAttributes ?? "");
  return listResponse(await Promise.all(rows.map((g) => groupResource(g, { members }))), total, startIndex);
}

export async function getScimGroup(id: string, opts: { excludedAttributes?: string | null } = {}) {
  return groupResource(await requireGroup(id), { members: !/\bmembers\b/i.test(opts.excludedAttributes ?? "") });
}

export async function createScimGroup(body: unknown, meta?: RequestMeta) {
  const data = parseOr400(groupBody, body);
  const prisma = await getPrisma();
  if (data.externalId && (await prisma.group.findUnique({ where: { externalId: data.externalId } }))) {
    throw new ScimError(409, `externalId ${data.externalId} is already in use`, "uniqueness");
  }
  const made = await asScim(() => createGroup({ actor: scimActor, meta, name: data.displayName, source: "scim", externalId: data.externalId ?? null }));
  await addMembers(made.id, (data.members ?? []).map((m) => m.value), meta);
  return groupResource(await requireGroup(made.id));
}

/** Members by user id; ids that are no account (or not one the provider may see) are refused. */
async function addMembers(groupId: string, userIds: string[], meta?: RequestMeta) {
  for (const userId of new Set(userIds)) {
    if (!(await findUser(userId))) throw new ScimError(400, `member ${userId} is not a known User`, "invalidValue");
    await asScim(() => addGroupMember({ actor: scimActor, meta, groupId, userId, source: "scim" }));
  }
}

async function removeMembers(groupId: string, userIds: string[], meta?: RequestMeta) {
  const prisma = await getPrisma();
  for (const userId of new Set(userIds)) {
    if (!isUuid(userId) || !(await prisma.groupMember.findUnique({ where: { groupId_userId: { groupId, userId } } }))) continue;
    await asScim(() => removeGroupMember({ actor: scimActor, meta, groupId, userId, source: "scim" }));
  }
}

async function setMembers(groupId: string, userIds: string[], meta?: RequestMeta) {
  const prisma = await getPrisma();
  const current = (await prisma.groupMember.findMany({ where: { groupId }, select: { userId: true } })).map((m) => m.userId);
  const wanted = new Set(userIds);
  await removeMembers(groupId, current.filter((id) => !wanted.has(id)), meta);
  await addMembers(groupId, [...wanted].filter((id) => !current.includes(id)), meta);
}

async function setGroupName(groupId: string, name: string, meta?: RequestMeta) {
  const g = await requireGroup(groupId);
  if (g.name !== name) await asScim(() => renameGroup({ actor: scimActor, meta, groupId, name, source: "scim" }));
}

async function setGroupExternalId(groupId: string, externalId: string | null) {
  const prisma = await getPrisma();
  if (externalId && (await prisma.group.findFirst({ where: { externalId, id: { not: groupId } } }))) throw new ScimError(409, `externalId ${externalId} is already in use`, "uniqueness");
  await prisma.group.update({ where: { id: groupId }, data: { externalId } });
}

export async function replaceScimGroup(id: string, body: unknown, meta?: RequestMeta) {
  const data = parseOr400(groupBody, body);
  await requireGroup(id);
  await setGroupName(id, data.displayName, meta);
  if (data.externalId !== undefined) await setGroupExternalId(id, data.externalId ?? null);
  await setMembers(id, (data.members ?? []).map((m) => m.value), meta);
  return groupResource(await requireGroup(id));
}

/** `members[value eq "…"]`: the one member a remove names (Entra ID's form). */
const MEMBER_FILTER = /^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$/i;

export async function patchScimGroup(id: string, body: unknown, meta?: RequestMeta): Promise<Awaited<ReturnType<typeof groupResource>>> {
  const { Operations } = parseOr400(patchBody, body);
  await requireGroup(id);
  const ids = (value: unknown) => parseOr400(memberRefs, Array.isArray(value) ? value : [value]).map((m) => m.value);
  for (const op of Operations) {
    const path = op.path?.trim() ?? "";
    const filtered = MEMBER_FILTER.exec(path);
    if (filtered) {
      if (op.op !== "remove") throw new ScimError(400, `${op.op} cannot target ${path}`, "invalidPath");
      await removeMembers(id, [filtered[1]!], meta);
    } else if (path.toLowerCase() === "members") {
      if (op.op === "add") await addMembers(id, ids(op.value), meta);
      else if (op.op === "replace") await setMembers(id, ids(op.value ?? []), meta);
      else if (op.value === undefined) await setMembers(id, [], meta);
      else await removeMembers(id, ids(op.value), meta);
    } else if (path.toLowerCase() === "displayname") {
      if (op.op === "remove") throw new ScimError(400, "displayName is required", "mutability");
      await setGroupName(id, String(op.value), meta);
    } else if (path.toLowerCase() === "externalid") {
      await setGroupExternalId(id, op.op === "remove" ? null : String(op.value));
    } else if (!path && op.op !== "remove" && op.value && typeof op.value === "object") {
      // Okta and Entra ID also send { op: "replace", value: { id, displayName } } without a path.
      const v = op.value as Record<string, unknown>;
      if (typeof v.displayName === "string") await setGroupName(id, v.displayName, meta);
      if (typeof v.externalId === "string") await setGroupExternalId(id, v.externalId);
      if (Array.isArray(v.members)) await (op.op === "add" ? addMembers(id, ids(v.members), meta) : setMembers(id, ids(v.members), meta));
    } else {
      throw new ScimError(400, `Unsupported path "${path}"`, "invalidPath");
    }
  }
  return groupResource(await requireGroup(id));
}

export async function deleteScimGroup(id: string, meta?: RequestMeta) {
  await requireGroup(id);
  await asScim(() => deleteGroup({ actor: scimActor, meta, groupId: id, source: "scim" }));
}

// ---- Shared ------------------------------------------------------------------------------------

/** The one filter form providers send when they look something up: `attribute eq "value"`. */
function parseEqFilter(filter: string, allowed: string[]): { attribute: string; value: string } {
  const m = /^\s*([\w.[\]" ]+?)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  const attribute = m ? allowed.find((a) => a.toLowerCase() === m[1]!.toLowerCase()) : undefined;
  if (!m || !attribute) throw new ScimError(400, `Unsupported filter: only ${allowed.map((a) => `${a} eq "…"`).join(", ")}`, "invalidFilter");
  return { attribute: attribute.startsWith("emails") ? "userName" : attribute, value: m[2]!.replace(/\\(.)/g, "$1") };
}

function page(query: { startIndex?: number; count?: number }) {
  const startIndex = Math.max(1, Math.floor(query.startIndex ?? 1) || 1);
  const take = Math.min(200, Math.max(0, Math.floor(query.count ?? 100)));
  return { skip: startIndex - 1, take, startIndex };
}

function listResponse<T>(resources: T[], total: number, startIndex: number) {
  return { schemas: [SCIM_LIST], totalResults: total, startIndex, itemsPerPage: resources.length, Resources: resources };
}

export function serviceProviderConfig() {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    documentationUri: "https://github.com/yunpan/yunpan#scim",
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: 200 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [{ type: "oauthbearertoken", name: "Bearer token", description: "A token an administrator creates (admin CLI: scim-token create NAME)", primary: true }],
    meta: { resourceType: "ServiceProviderConfig", location: `${base()}/ServiceProviderConfig` },
  };
}

export function resourceTypes() {
  const type = (name: "User" | "Group", schema: string) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    id: name,
    name,
    endpoint: `/${name}s`,
    schema,
    meta: { resourceType: "ResourceType", location: `${base()}/ResourceTypes/${name}` },
  });
  return listResponse([type("User", SCIM_USER), type("Group", SCIM_GROUP)], 2, 1);
}
