import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // .next/standalone: the pages with only the files they need; scripts/standalone.mjs adds the
  // custom server's own. The container image and the browser tests run that folder.
  output: "standalone",
  // PGlite bundled into the page layer breaks (its wasm URL is rewritten) and its assets get
  // published; argon2 is a native addon. Both load from node_modules at run time.
  // @node-rs/jieba is a native addon, loaded from node_modules, not bundled.
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2", "pino", "@node-rs/jieba"],
  experimental: {
    // Next loads every route's server code at start by default; loaded on a route's first request
    // instead, an idle server holds only what it serves (fresh start after 60 s idle: 308 -> 291 MiB
    // resident, medians of 3; issue 15). A route's first request pays for loading it.
    preloadEntriesOnStart: false,
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "same-origin" },
          { key: "X-Frame-Options", value: "SAMEORIGIN" },
        ],
      },
    ];
  },
};

export default nextConfig;
