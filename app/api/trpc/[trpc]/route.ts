import { handleTrpcRequest } from "@/server/runtime/trpc-fetch-handler";

// The custom server answers /api/trpc itself (server/runtime/trpc-node.ts); this route serves it only
// when Next runs alone, with the same limits and checks.
export const dynamic = "force-dynamic";

export { handleTrpcRequest as GET, handleTrpcRequest as POST };
