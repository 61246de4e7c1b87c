// What the share page shows about downloading before any click: a link known to be used up (or
// refused for good) dims its buttons and says why up front, instead of looking active.
export type DownloadRefusal = "exhausted" | "expired" | "revoked" | "failed";

export function downloadState(left: number | null, refusal: DownloadRefusal | null): { refusal: DownloadRefusal | null; blocked: boolean } {
  const shown = refusal ?? (left === 0 ? "exhausted" : null);
  // "failed" is a network hiccup: the button stays live so the visitor can try again.
  return { refusal: shown, blocked: shown !== null && shown !== "failed" };
}
