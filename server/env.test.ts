import { expect, test } from "vitest";
import { EnvError, parseByteSize, resolveEnv } from "@/server/env";

test("defaults need no configuration", () => {
  const env = resolveEnv({});
  expect(env.port).toBe(3000);
  expect(env.signup).toBe("open");
  expect(env.storage).toBe("local");
  expect(env.databaseUrl).toBeUndefined();
  expect(env.defaultQuotaBytes).toBeNull();
  expect(env.dataDir).toMatch(/data$/);
});

test("a bad value stops with a message naming the variable", () => {
  expect(() => resolveEnv({ PORT: "seventy" })).toThrow(EnvError);
  expect(() => resolveEnv({ PORT: "seventy" })).toThrow(/PORT/);
  expect(() => resolveEnv({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must start with postgres/);
  expect(() => resolveEnv({ SIGNUP: "maybe" })).toThrow(/SIGNUP/);
  expect(() => resolveEnv({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET: must be at least 32/);
});

test("S3 mode names every missing S3 variable", () => {
  expect(() => resolveEnv({ STORAGE: "s3" })).toThrow(/S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY: required when STORAGE=s3/);
});

test("empty variables count as unset", () => {
  expect(resolveEnv({ PORT: "", SIGNUP: " " }).port).toBe(3000);
});

test("byte sizes accept units", () => {
  expect(parseByteSize("1024")).toBe(1024);
  expect(parseByteSize("10GiB")).toBe(10 * 1024 ** 3);
  expect(parseByteSize("5MB")).toBe(5_000_000);
  expect(parseByteSize("2k")).toBe(2000);
  expect(resolveEnv({ DEFAULT_QUOTA_BYTES: "1GiB" }).defaultQuotaBytes).toBe(1024 ** 3);
  expect(() => resolveEnv({ DEFAULT_QUOTA_BYTES: "lots" })).toThrow(/DEFAULT_QUOTA_BYTES/);
});

test("single sign-on needs its client credentials; password sign-in stays on unless turned off", () => {
  expect(resolveEnv({}).oidc).toBeNull();
  expect(resolveEnv({}).passwordLogin).toBe(true);
  expect(() => resolveEnv({ OIDC_ISSUER: "https://id.example.com" })).toThrow(/OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: required when OIDC_ISSUER is set/);
  const env = resolveEnv({ OIDC_ISSUER: "https://id.example.com/", OIDC_CLIENT_ID: "yunpan", OIDC_CLIENT_SECRET: "s3cret", PASSWORD_LOGIN: "false" });
  expect(env.oidc).toEqual({ issuer: "https://id.example.com", clientId: "yunpan", clientSecret: "s3cret", name: "SSO", groupsClaim: null });
  expect(env.passwordLogin).toBe(false);
  const withGroups = resolveEnv({ OIDC_ISSUER: "https://id.example.com", OIDC_CLIENT_ID: "yunpan", OIDC_CLIENT_SECRET: "s3cret", OIDC_GROUPS_CLAIM: "groups" });
  expect(withGroups.oidc?.groupsClaim).toBe("groups");
  expect(() => resolveEnv({ OIDC_GROUPS_CLAIM: "x".repeat(201) })).toThrow(/OIDC_GROUPS_CLAIM/);
});

test("content search keeps 1 MiB of text per file unless told otherwise, within bounds", () => {
  expect(resolveEnv({}).searchTextMaxBytes).toBe(1024 ** 2);
  expect(resolveEnv({ SEARCH_TEXT_MAX_BYTES: "4MiB" }).searchTextMaxBytes).toBe(4 * 1024 ** 2);
  expect(() => resolveEnv({ SEARCH_TEXT_MAX_BYTES: "10" })).toThrow(/SEARCH_TEXT_MAX_BYTES: at least 1KiB/);
  expect(() => resolveEnv({ SEARCH_TEXT_MAX_BYTES: "1GiB" })).toThrow(/SEARCH_TEXT_MAX_BYTES: at most 64MiB/);
});
