import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import type Redis from "ioredis";
import { openRedis } from "@/server/redis/redis-client";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";

/** Named limits: how many attempts per window, per key (user, IP, link…). */
export const limits = {
  /** Wrong answers to an instant-upload proof of possession. */
  instantUploadProof: { points: 10, duration: 600 },
  /** Asking whether content is already stored (each answer reveals that it exists somewhere). */
  instantUploadPrepare: { points: 600, duration: 600 },
  // Password guessing (password-guard.ts): an address is stopped per account or link it guesses
  // at and across them; the account or link as a whole is only slowed, and never for addresses
  // it was opened from before, so nobody can lock its owner out.
  /** Wrong share-link passwords from one client address, across links. */
  shareUnlockIp: { points: 30, duration: 900 },
  /** Wrong passwords for one share link from one client address. */
  shareUnlockPair: { points: 10, duration: 900 },
  /** Wrong passwords for one share link, from anywhere: past this, unfamiliar addresses are slowed. */
  shareUnlockLink: { points: 30, duration: 900 },
  /** While a link is past shareUnlockLink: one attempt per 10 s from addresses it was not unlocked from. */
  shareUnlockSlow: { points: 1, duration: 10 },
  /** Failed sign-ins from one address (web form, WebDAV Basic), across accounts. */
  signInIp: { points: 30, duration: 900 },
  /** Failed sign-ins to one account from one address. */
  signInPair: { points: 10, duration: 900 },
  /** Failed sign-ins to one account, from anywhere: past this, unfamiliar addresses are slowed. */
  signInAccount: { points: 10, duration: 900 },
  /** While an account is past signInAccount: one attempt per 10 s from addresses it never signed in from. */
  signInSlow: { points: 1, duration: 10 },
  /** Wrong two-factor codes for one account. */
  totpCode: { points: 5, duration: 300 },
  /** A two-factor code is good once (keyed by account and code, for longer than its validity). */
  totpReplay: { points: 1, duration: 120 },
  /** Bytes served on one share download ticket (the budget itself travels in the signed ticket). */
  shareTicketBytes: { points: Number.MAX_SAFE_INTEGER, duration: 6 * 3600 },
  /** New uploads per user (a dropped folder of thousands of files still fits at ~10 a second). */
  uploadCreate: { points: 3000, duration: 300 },
  /** Drops started through one upload link, from anywhere (each holds quota until it ends). */
  shareDropLink: { points: 1000, duration: 600 },
  /** Drops started from one client address, across links. */
  shareDropIp: { points: 200, duration: 600 },
  /** Personal API tokens created per user. */
  apiTokenCreate: { points: 20, duration: 3600 },
  /** Requests per API token (a runaway script is slowed, the account's other tokens are not; a sync
   * client listing and fetching small files makes ~50 a second). */
  apiTokenUse: { points: 6000, duration: 60 },
} as const;

export type LimitName = keyof typeof limits;

/**
 * Where a limit's current number of attempts comes from (Admin → Settings registers one): read on
 * every check, so a changed limit holds at once; the window stays the table's. Without a source, or
 * when it fails, the table's number holds.
 */
export type LimitPointsSource = () => Promise<Partial<Record<LimitName, number>>>;
const SOURCE = Symbol.for("yunpan.rateLimitSource");
type GS = typeof globalThis & { [SOURCE]?: LimitPointsSource };

export function setLimitPointsSource(source: LimitPointsSource | undefined): void {
  (globalThis as GS)[SOURCE] = source;
}

/** The number of attempts `name` allows now. */
export async function pointsOf(name: LimitName): Promise<number> {
  const source = (globalThis as GS)[SOURCE];
  if (source) {
    const live = await source().catch(() => undefined);
    const n = live?.[name];
    if (typeof n === "number" && Number.isFinite(n) && n > 0) return n;
  }
  return limits[name].points;
}

// In memory on the embedded default; in Redis when REDIS_URL is set, so every replica shares counts.
const KEY = Symbol.for("yunpan.rateLimiters");
const CLIENT = Symbol.for("yunpan.rateLimitRedis");
type G = typeof globalThis & { [KEY]?: Map<LimitName, RateLimiterAbstract>; [CLIENT]?: Map<string, Redis> };

/** One connection per Redis serves every limit (each limit used to open its own). */
function sharedClient(g: G, url: string): Redis {
  const clients = (g[CLIENT] ??= new Map());
  let client = clients.get(url);
  if (!client) clients.set(url, (client = openRedis(url, "rate limits", { maxRetriesPerRequest: 2 })));
  return client;
}

function limiter(name: LimitName): RateLimiterAbstract {
  const g = globalThis as G;
  const map = (g[KEY] ??= new Map());
  let l = map.get(name);
  if (!l) {
    // The counter never refuses by itself: each check compares it with pointsOf(name), which may
    // change while the process runs.
    const points = Number.MAX_SAFE_INTEGER;
    const { duration } = limits[name];
    const redisUrl = getEnv().redisUrl;
    l = redisUrl
      ? new RateLimiterRedis({ storeClient: sharedClient(g, redisUrl), keyPrefix: `yp:rl:${name}`, points, duration })
      : new RateLimiterMemory({ keyPrefix: name, points, duration });
    map.set(name, l);
  }
  return l;
}

/** Throws TOO_MANY_REQUESTS (with Retry-After seconds) while `key` is over the limit. */
export async function assertUnderLimit(name: LimitName, key: string): Promise<void> {
  const res = await limiter(name).get(key);
  if (res && res.consumedPoints >= (await pointsOf(name))) throw tooMany(res);
}

/** True while `key` has used up the limit (nothing is counted). */
export async function isOverLimit(name: LimitName, key: string): Promise<boolean> {
  const res = await limiter(name).get(key);
  return !!res && res.consumedPoints >= (await pointsOf(name));
}

/** Counts one attempt against the limit (throws once it is used up). */
export async function countAttempt(name: LimitName, key: string): Promise<void> {
  const points = await pointsOf(name);
  let res: RateLimiterRes;
  try {
    res = await limiter(name).consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw tooMany(e);
    throw e;
  }
  if (res.consumedPoints > points) throw tooMany(res);
}

/**
 * Takes `amount` from a budget of `cap` for `key`, all or nothing (false when it does not fit).
 * One atomic add in memory or Redis, so concurrent requests cannot both take the last of it.
 */
export async function takeFromBudget(name: LimitName, key: string, amount: number, cap: number): Promise<boolean> {
  const l = limiter(name);
  const res = await l.consume(key, amount);
  if (res.consumedPoints <= cap) return true;
  await l.reward(key, amount);
  return false;
}

/** Gives back part of what takeFromBudget took (bytes that were never sent). */
export async function returnToBudget(name: LimitName, key: string, amount: number): Promise<void> {
  if (amount > 0) await limiter(name).reward(key, amount);
}

/** What is left of a budget of `cap` for `key`. */
export async function budgetLeft(name: LimitName, key: string, cap: number): Promise<number> {
  const res = await limiter(name).get(key);
  return cap - (res?.consumedPoints ?? 0);
}

export async function resetLimit(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(key);
}

function tooMany(res: RateLimiterRes): AppError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError("TOO_MANY_REQUESTS", "rate.limited", { seconds }, seconds);
}
