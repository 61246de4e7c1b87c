import { createHash } from "node:crypto";
import type { Prisma } from "@/server/db/generated/client.ts";
import { getPrisma } from "@/server/db/client";
import { AppError } from "@/server/errors/app-error";
import { recordAudit, type RequestMeta } from "@/server/audit/audit.service";
import type { Actor } from "@/server/auth/actor";
import { LOGO_MAX_BYTES, LOGO_ROW_KEY } from "@/server/settings/settings.schemas";
import { announceSettingsChange, getBranding, logoVersionOf, requireAdmin } from "@/server/settings/settings.service";
import { loadSharp } from "@/server/images/load-sharp";

// The logo is an image only: never SVG (script), and never served as the bytes an admin sent. The
// upload must start like a PNG, JPEG or WebP file and decode as one; what is stored and served is
// sharp's PNG re-encoding of its pixels (at most 512 px a side, metadata dropped).
const SIDE = 512;
const MAX_PIXELS = 40_000_000;

function sniff(buf: Buffer): "png" | "jpeg" | "webp" | null {
  if (buf.length >= 8 && buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return "jpeg";
  if (buf.length >= 12 && buf.toString("latin1", 0, 4) === "RIFF" && buf.toString("latin1", 8, 12) === "WEBP") return "webp";
  return null;
}

interface StoredLogo {
  sha256: string;
  size: number;
  png: string;
}

/** Checks, re-encodes and stores an admin's logo; every replica shows it within a second. */
export async function setSiteLogo(input: { actor: Actor; data: Buffer; meta?: RequestMeta }): Promise<{ logoUrl: string | null }> {
  requireAdmin(input.actor);
  if (input.data.length > LOGO_MAX_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "logo.tooLarge", { max: `${LOGO_MAX_BYTES / 1024} KiB` });
  const kind = sniff(input.data);
  if (!kind) throw new AppError("BAD_REQUEST", "logo.type");
  const sharp = await loadSharp();
  let png: Buffer;
  try {
    const image = sharp(input.data, { limitInputPixels: MAX_PIXELS, animated: false });
    const meta = await image.metadata();
    if (meta.format !== kind) throw new AppError("BAD_REQUEST", "logo.type");
    png = await image.rotate().resize({ width: SIDE, height: SIDE, fit: "inside", withoutEnlargement: true }).png({ compressionLevel: 9 }).toBuffer();
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("BAD_REQUEST", "logo.unreadable");
  }
  const stored: StoredLogo = { sha256: createHash("sha256").update(png).digest("hex"), size: png.length, png: png.toString("base64") };
  const old = await writeLogo(input.actor, stored);
  await auditLogo(input.actor, old, stored.sha256, input.meta);
  return { logoUrl: (await getBranding()).logoUrl };
}

/** Back to the default mark. */
export async function removeSiteLogo(input: { actor: Actor; meta?: RequestMeta }): Promise<{ logoUrl: null }> {
  requireAdmin(input.actor);
  const prisma = await getPrisma();
  const old = await prisma.siteSetting.findUnique({ where: { key: LOGO_ROW_KEY } });
  if (old) {
    await prisma.siteSetting.deleteMany({ where: { key: LOGO_ROW_KEY } });
    await auditLogo(input.actor, shaOf(old.value), null, input.meta);
  }
  return { logoUrl: null };
}

async function writeLogo(actor: Actor, logo: StoredLogo): Promise<string | null> {
  const prisma = await getPrisma();
  const updatedById = actor.via === "cli" ? null : actor.userId;
  return prisma.$transaction(async (tx) => {
    const old = await tx.siteSetting.findUnique({ where: { key: LOGO_ROW_KEY }, select: { value: true } });
    const value = { v: logo } as unknown as Prisma.InputJsonValue;
    await tx.siteSetting.upsert({ where: { key: LOGO_ROW_KEY }, create: { key: LOGO_ROW_KEY, value, updatedById }, update: { value, updatedById } });
    return old ? shaOf(old.value) : null;
  });
}

async function auditLogo(actor: Actor, old: string | null, next: string | null, meta?: RequestMeta) {
  await recordAudit({
    actorId: actor.userId,
    action: "settings.changed",
    targetType: "setting",
    targetId: "siteLogo",
    meta,
    // The logo by its fingerprint: the audit log holds no image.
    data: { changes: [{ key: "siteLogo", old: old ? `sha256:${old.slice(0, 16)}` : null, new: next ? `sha256:${next.slice(0, 16)}` : null }] },
  });
  await announceSettingsChange();
}

function shaOf(value: Prisma.JsonValue): string | null {
  const v = (value as { v?: Partial<StoredLogo> } | null)?.v;
  return typeof v?.sha256 === "string" ? v.sha256 : null;
}

const CACHE = Symbol.for("yunpan.siteLogo");
type G = typeof globalThis & { [CACHE]?: { version: string; png: Buffer } };

/** The stored logo as PNG bytes and its version, or null (kept in memory per version: it is asked for on every page). */
export async function readSiteLogo(): Promise<{ version: string; png: Buffer } | null> {
  const url = (await getBranding()).logoUrl;
  if (!url) return null;
  const version = new URL(url, "http://x").searchParams.get("v")!;
  const g = globalThis as G;
  if (g[CACHE]?.version === version) return g[CACHE];
  const prisma = await getPrisma();
  const row = await prisma.siteSetting.findUnique({ where: { key: LOGO_ROW_KEY } });
  const png = (row?.value as { v?: Partial<StoredLogo> } | null)?.v?.png;
  if (!row || typeof png !== "string") return null;
  // Keyed by the row's own version: bytes newer than this replica's snapshot are not cached under an older one.
  const fresh = { version: logoVersionOf(row.updatedAt), png: Buffer.from(png, "base64") };
  g[CACHE] = fresh;
  return fresh;
}
