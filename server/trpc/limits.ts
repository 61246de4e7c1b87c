// Limits the browser's tRPC client and the server agree on (no server imports: components use it).

/**
 * The most calls one batched request may carry. The client splits bigger batches itself
 * (httpBatchLink `maxItems`), so only a hand-made request meets the server's refusal.
 */
export const TRPC_MAX_BATCH_CALLS = 50;
