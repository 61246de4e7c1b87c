import { AppError } from "@/server/errors/app-error";

/** Keyset cursor for lists ordered by a time then id: opaque to the browser, checked on the way in. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined): { at: Date; id: string } | null {
  if (!cursor) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    const date = new Date(String(at));
    if (typeof at === "string" && typeof id === "string" && !Number.isNaN(date.getTime())) return { at: date, id };
  } catch {
    // falls through to the error below
  }
  throw new AppError("BAD_REQUEST", "input.invalid");
}
