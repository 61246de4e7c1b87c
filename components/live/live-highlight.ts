"use client";
import { useSyncExternalStore } from "react";

/** How long a changed row stays marked; the CSS fade (app/globals.css `yp-live-flash`) is shorter. */
const MARK_MS = 3000;
/** How long this tab remembers what it changed itself (a mutation, an upload it started). */
const OWN_MS = 60_000;

let changed: ReadonlySet<string> = new Set();
const listeners = new Set<() => void>();
const own = new Map<string, number>();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function emit(next: ReadonlySet<string>) {
  changed = next;
  for (const l of listeners) l();
}

/** Marks rows changed elsewhere (another tab, device or person) for a moment. */
export function markChanged(ids: string[]) {
  if (!ids.length) return;
  emit(new Set([...changed, ...ids]));
  setTimeout(() => emit(new Set([...changed].filter((id) => !ids.includes(id)))), MARK_MS);
}

/** The ids of rows to highlight now; components re-render when it changes. */
export function useLiveChanged(): ReadonlySet<string> {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => void listeners.delete(l);
    },
    () => changed,
    () => changed,
  );
}

function remember(key: string) {
  const now = Date.now();
  own.set(key, now + OWN_MS);
  for (const [k, until] of own) if (until < now) own.delete(k);
}

/** Notes every node id in a mutation's input: the change events it causes are this tab's own. */
export function noteOwnMutation(variables: unknown, depth = 0) {
  if (depth > 4 || variables === null || variables === undefined) return;
  if (typeof variables === "string") {
    if (UUID.test(variables)) remember(variables);
  } else if (Array.isArray(variables)) {
    for (const v of variables.slice(0, 1000)) noteOwnMutation(v, depth + 1);
  } else if (typeof variables === "object") {
    // A new folder's id is not known yet: its place and name are.
    const { parentId, name } = variables as { parentId?: unknown; name?: unknown };
    if (typeof name === "string" && (typeof parentId === "string" || parentId == null)) noteOwnUpload((parentId as string | null | undefined) ?? null, name);
    for (const v of Object.values(variables)) noteOwnMutation(v, depth + 1);
  }
}

/** Notes a file this tab is uploading (its node id is not known until it is stored). */
export function noteOwnUpload(parentId: string | null, name: string) {
  remember(`${parentId ?? "root"}/${name.normalize("NFC")}`);
}

/** Whether this tab caused a change (by this user, on a node or a name it touched). */
export function isOwnChange(c: { actorId: string | null; nodeId: string; newParentId: string | null; newName: string | null }, meId: string): boolean {
  if (c.actorId !== meId) return false;
  const at = (key: string) => (own.get(key) ?? 0) >= Date.now();
  return at(c.nodeId) || (!!c.newName && (at(`${c.newParentId}/${c.newName}`) || at(`root/${c.newName}`)));
}
