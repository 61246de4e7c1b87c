import { describe, expect, it } from "vitest";
import { isForeignOrigin } from "@/server/security/same-origin";

const BASE = "https://pan.example.com";

describe("isForeignOrigin", () => {
  it("lets requests without Origin through (curl, API clients, WebDAV)", () => {
    expect(isForeignOrigin(undefined, "pan.example.com", BASE)).toBe(false);
    expect(isForeignOrigin(null, "pan.example.com", BASE)).toBe(false);
  });

  it("accepts BASE_URL's origin and the host the request was sent to", () => {
    expect(isForeignOrigin("https://pan.example.com", "10.0.0.5:3000", BASE)).toBe(false);
    expect(isForeignOrigin("http://10.0.0.5:3000", "10.0.0.5:3000", BASE)).toBe(false);
    expect(isForeignOrigin("http://PAN.example.com:8080", "pan.example.com:8080", BASE)).toBe(false);
  });

  it("refuses another site, another port, a look-alike, null and garbage", () => {
    expect(isForeignOrigin("https://evil.example", "pan.example.com", BASE)).toBe(true);
    expect(isForeignOrigin("https://pan.example.com:444", "pan.example.com", BASE)).toBe(true);
    expect(isForeignOrigin("https://pan.example.com.evil.example", "pan.example.com", BASE)).toBe(true);
    expect(isForeignOrigin("null", "pan.example.com", BASE)).toBe(true);
    expect(isForeignOrigin("not a url", "pan.example.com", BASE)).toBe(true);
    expect(isForeignOrigin("file://", "pan.example.com", BASE)).toBe(true);
  });
});
