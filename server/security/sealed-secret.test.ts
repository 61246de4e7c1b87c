import { beforeAll, describe, expect, it } from "vitest";
import { seal, unseal } from "@/server/security/sealed-secret";

beforeAll(() => {
  process.env.NEXTAUTH_SECRET = "sealed-secret-unit-test-0123456789abcdef";
});

describe("sealed secrets", () => {
  it("open for their purpose only, and never once altered", () => {
    const sealed = seal("purpose.a", "whsec_plain");
    expect(sealed).not.toContain("whsec_plain");
    expect(unseal("purpose.a", sealed)).toBe("whsec_plain");
    expect(unseal("purpose.b", sealed)).toBeNull();
    const [v, iv, tag, body] = sealed.split(".");
    const flipped = Buffer.from(body!, "base64url");
    flipped[0]! ^= 1;
    expect(unseal("purpose.a", [v, iv, tag, flipped.toString("base64url")].join("."))).toBeNull();
    expect(unseal("purpose.a", "whsec_plain")).toBeNull();
  });

  it("differ each time for the same value (a fresh nonce)", () => {
    expect(seal("purpose.a", "same")).not.toBe(seal("purpose.a", "same"));
  });

  it("do not open under another server secret", () => {
    const sealed = seal("purpose.a", "value");
    process.env.NEXTAUTH_SECRET = "another-server-secret-0123456789abcdef";
    expect(unseal("purpose.a", sealed)).toBeNull();
  });
});
