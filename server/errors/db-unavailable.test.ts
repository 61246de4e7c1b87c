import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "@/server/errors/db-unavailable";
import { AppError, toAppError } from "@/server/errors/app-error";

// The shapes below were seen on PostgreSQL 15 through pg 8 and @prisma/adapter-pg 7 when backends
// were terminated mid-transaction and when nothing listened on the port.
const pgAdminShutdown = Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01", severity: "FATAL" });
const notQueryable = new Error("Client has encountered a connection error and is not queryable");
const prismaUnreachable = Object.assign(new Error("Can't reach database server at 127.0.0.1:1"), {
  code: "P1001",
  meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "DatabaseNotReachable", host: "127.0.0.1", port: 1 } } },
});
const adapterPassThrough = Object.assign(new Error("Raw query failed"), {
  code: "P2010",
  meta: { driverAdapterError: { name: "DriverAdapterError", cause: { kind: "postgres", code: "57P03", message: "the database system is starting up" } } },
});

describe("isDatabaseUnavailable", () => {
  it.each([
    ["57P01 admin shutdown", pgAdminShutdown],
    ["a connection that broke mid-transaction", notQueryable],
    ["pg's unexpected end", new Error("Connection terminated unexpectedly")],
    ["ECONNREFUSED", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["ECONNRESET", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["Prisma P1001 with the adapter's cause", prismaUnreachable],
    ["Prisma P1017", Object.assign(new Error("Server has closed the connection."), { code: "P1017" })],
    ["an adapter error carrying 57P03", adapterPassThrough],
    ["a cause chain", new Error("commit failed", { cause: pgAdminShutdown })],
  ])("recognises %s", (_label, e) => {
    expect(isDatabaseUnavailable(e)).toBe(true);
  });

  it.each([
    ["a unique violation", Object.assign(new Error("duplicate key"), { code: "23505", severity: "ERROR" })],
    ["Prisma P2002", Object.assign(new Error("Unique constraint failed"), { code: "P2002" })],
    ["a plain bug", new TypeError("x is undefined")],
    ["a string", "Connection terminated"],
    ["null", null],
  ])("leaves %s alone", (_label, e) => {
    expect(isDatabaseUnavailable(e)).toBe(false);
  });
});

describe("toAppError", () => {
  it("answers a lost database with 503, a message in both languages and Retry-After", () => {
    const app = toAppError(pgAdminShutdown)!;
    expect(app.code).toBe("SERVICE_UNAVAILABLE");
    expect(app.retryAfterSeconds).toBeGreaterThan(0);
    expect(app.localized("en")).toBe("The database is unavailable right now; try again in a moment.");
    expect(app.localized("zh")).toBe("数据库暂时不可用，请稍后重试。");
  });

  it("keeps an AppError and gives null for anything else", () => {
    const e = new AppError("NOT_FOUND", "node.notFound");
    expect(toAppError(e)).toBe(e);
    expect(toAppError(new Error("boom"))).toBeNull();
  });
});
