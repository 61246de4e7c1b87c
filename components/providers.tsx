"use client";
import { useState, type ReactNode } from "react";
import { MutationCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { TRPCProvider } from "@/components/trpc/client";
import { ToastProvider } from "@/components/ui/toast";
import { noteOwnMutation } from "@/components/live/live-highlight";
import type { AppRouter } from "@/server/runtime/trpc-router";
import { TRPC_MAX_BATCH_CALLS } from "@/server/trpc/limits";

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        // What this tab changes it refreshes itself; its own change events are not highlighted.
        mutationCache: new MutationCache({ onMutate: (variables) => noteOwnMutation(variables) }),
        defaultOptions: { queries: { staleTime: 10_000, retry: (n, e) => n < 2 && !/UNAUTHORIZED|NOT_FOUND|FORBIDDEN/.test(String((e as { data?: { code?: string } }).data?.code)) } } }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, maxItems: TRPC_MAX_BATCH_CALLS })] }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ToastProvider>{children}</ToastProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
