import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import Redis from "ioredis";
import { getEnv } from "@/server/env";
import { AppError } from "@/server/errors/app-error";

/** Named limits: how many attempts per window, per key (user, IP, link…). */
export const limits = {
  /** Wrong answers to an instant-upload proof of possession. */
  instantUploadProof: { points: 10, duration: 600 },
  /** Asking whether content is already stored (each answer reveals that it exists somewhere). */
  instantUploadPrepare: { points: 600, duration: 600 },
  /** Wrong passwords for one share link, from anywhere. */
  shareUnlockLink: { points: 30, duration: 900 },
  /** Wrong share-link passwords from one client address, across links. */
  shareUnlockIp: { points: 10, duration: 900 },
  /** Failed sign-ins from one address (web form, WebDAV Basic), across accounts. */
  signInIp: { points: 30, duration: 900 },
  /** Failed sign-ins to one account, from anywhere. */
  signInAccount: { points: 10, duration: 900 },
  /** Wrong two-factor codes for one account. */
  totpCode: { points: 5, duration: 300 },
  /** A two-factor code is good once (keyed by account and code, for longer than its validity). */
  totpReplay: { points: 1, duration: 120 },
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

// In memory on the embedded default; in Redis when REDIS_URL is set, so every replica shares counts.
const KEY = Symbol.for("yunpan.rateLimiters");
type G = typeof globalThis & { [KEY]?: Map<LimitName, RateLimiterAbstract> };

function limiter(name: LimitName): RateLimiterAbstract {
  const g = globalThis as G;
  const map = (g[KEY] ??= new Map());
  let l = map.get(name);
  if (!l) {
    const { points, duration } = limits[name];
    const redisUrl = getEnv().redisUrl;
    l = redisUrl
      ? new RateLimiterRedis({ storeClient: new Redis(redisUrl, { maxRetriesPerRequest: 2 }), keyPrefix: `yp:rl:${name}`, points, duration })
      : new RateLimiterMemory({ keyPrefix: name, points, duration });
    map.set(name, l);
  }
  return l;
}

/** Throws TOO_MANY_REQUESTS (with Retry-After seconds) while `key` is over the limit. */
export async function assertUnderLimit(name: LimitName, key: string): Promise<void> {
  const res = await limiter(name).get(key);
  if (res && res.consumedPoints >= limits[name].points) throw tooMany(res);
}

/** Counts one attempt against the limit (throws once it is used up). */
export async function countAttempt(name: LimitName, key: string): Promise<void> {
  try {
    await limiter(name).consume(key);
  } catch (e) {
    if (e instanceof RateLimiterRes) throw tooMany(e);
    throw e;
  }
}

export async function resetLimit(name: LimitName, key: string): Promise<void> {
  await limiter(name).delete(key);
}

function tooMany(res: RateLimiterRes): AppError {
  const seconds = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  return new AppError("TOO_MANY_REQUESTS", "rate.limited", { seconds }, seconds);
}
