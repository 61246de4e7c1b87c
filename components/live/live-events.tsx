"use client";
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { useTRPC, useTRPCClient } from "@/components/trpc/client";
import { invalidateForChange, type LiveChange } from "@/components/live/change-invalidation";
import { isOwnChange, markChanged } from "@/components/live/live-highlight";
import { silenceWatchdog } from "@/components/live/silence-watchdog";

const ScopeContext = createContext<(admin: boolean) => void>(() => {});

/**
 * Mounted while an admin view needs every drive's changes (the uploads in flight): the tab's one
 * stream switches to the admin scope, continuing from the same cursor.
 */
export function useAdminLiveScope() {
  const request = useContext(ScopeContext);
  useEffect(() => {
    request(true);
    return () => request(false);
  }, [request]);
}

const appCodeOf = (e: unknown) => (e as { data?: { appCode?: string } } | null)?.data?.appCode;

/**
 * The tab's one connection to GET /api/events. Each change marks stale exactly the queries it
 * affects and highlights the row when someone else (another tab, device or person) made it.
 * The browser reconnects by itself with Last-Event-ID; when the stream fails for good (a network
 * that stayed down, a server restart, a cursor the server no longer keeps) or goes silent (no
 * `ping` for STALE_MS: half-dead) it is reopened from the last cursor, or, if that cursor was
 * pruned, from a fresh one with every query refetched.
 */
export function LiveEvents({ meId, children }: { meId: string; children: ReactNode }) {
  const trpc = useTRPC();
  const trpcClient = useTRPCClient();
  const queryClient = useQueryClient();
  const [adminViews, setAdminViews] = useState(0);
  const [requestScope] = useState(() => (admin: boolean) => setAdminViews((n) => n + (admin ? 1 : -1)));
  const scope = adminViews > 0 ? "admin" : "mine";
  const cursor = useRef<string | null>(null);

  useEffect(() => {
    let source: EventSource | null = null;
    let watchdog: ReturnType<typeof silenceWatchdog> | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    let failures = 0;
    let resync = false;
    let waiting = false;
    const state = (s: string) => (document.documentElement.dataset.live = s);

    const retryLater = () => {
      state("retrying");
      waiting = true;
      clearTimeout(timer);
      timer = setTimeout(() => void connect(), Math.min(30_000, 1000 * 2 ** failures++));
    };
    const connect = async () => {
      waiting = false;
      if (stopped) return;
      try {
        if (cursor.current) await trpcClient.changes.list.query({ cursor: cursor.current, limit: 1, scope });
        else {
          cursor.current = (await trpcClient.changes.cursor.query()).cursor;
          // The page's first queries may have read the drive before this cursor: a change in
          // between would never be replayed, so what is on screen is refetched once the stream is open.
          resync = true;
        }
      } catch (e) {
        if (appCodeOf(e) !== "GONE") return retryLater();
        // Changes were pruned while this tab was away: start from now and refetch everything.
        cursor.current = (await trpcClient.changes.cursor.query().catch(() => null))?.cursor ?? null;
        if (!cursor.current) return retryLater();
        resync = true;
      }
      if (stopped) return;
      const es = new EventSource(`/api/events?cursor=${cursor.current}${scope === "admin" ? "&scope=admin" : ""}`);
      source = es;
      watchdog?.stop();
      const dog = (watchdog = silenceWatchdog(() => {
        // Silent past the pings: half-dead. Reopen from the cursor, which replays what was missed.
        es.close();
        if (source === es) source = null;
        state("stale");
        failures = 0;
        void connect();
      }));
      es.addEventListener("ping", () => dog.feed());
      es.onopen = () => {
        dog.feed();
        failures = 0;
        state("open");
        if (resync) {
          resync = false;
          void queryClient.invalidateQueries();
        }
      };
      es.addEventListener("change", (e) => {
        dog.feed();
        const change = JSON.parse((e as MessageEvent<string>).data) as LiveChange;
        cursor.current = (e as MessageEvent).lastEventId || change.seq;
        // The last change applied, for anyone checking the tab is in step (the browser tests do).
        document.documentElement.dataset.liveSeq = cursor.current;
        const highlight = change.kind !== "notification.created" && !isOwnChange(change, meId);
        // Marked once the refetched rows are on screen, so the fade is seen from its start.
        void invalidateForChange(queryClient, trpc, change).finally(() => highlight && markChanged([change.nodeId]));
      });
      es.onerror = () => {
        // CONNECTING: the browser retries by itself. CLOSED: it gave up (an error status, offline).
        if (es.readyState !== EventSource.CLOSED) return void state("connecting");
        es.close();
        dog.stop();
        if (source === es) source = null;
        retryLater();
      };
    };
    // Offline: a stream may linger half-open for minutes without a byte; end it and reopen from
    // the cursor once the network is back, which replays what happened meanwhile.
    const offline = () => {
      if (stopped) return;
      source?.close();
      source = null;
      watchdog?.stop();
      clearTimeout(timer);
      waiting = true;
      state("offline");
    };
    // Back online: a stream waiting out its back-off (or closed while offline) reconnects now.
    const online = () => {
      if (!waiting || stopped) return;
      failures = 0;
      clearTimeout(timer);
      void connect();
    };
    window.addEventListener("offline", offline);
    window.addEventListener("online", online);
    void connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      window.removeEventListener("offline", offline);
      window.removeEventListener("online", online);
      source?.close();
      watchdog?.stop();
      state("closed");
    };
  }, [scope, meId, queryClient, trpc, trpcClient]);

  return <ScopeContext.Provider value={requestScope}>{children}</ScopeContext.Provider>;
}
