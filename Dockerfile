# syntax=docker/dockerfile:1
# Yunpan: multi-stage build. The custom server (dist/server.mjs, esbuild) serves uploads and
# downloads on Node's own request and hands pages and tRPC to Next's production build. The build
# ends in Next's standalone output, completed by scripts/standalone.mjs with the files the custom
# server needs (traced): the runtime stage is that folder alone, with no npm and no build tools.
# The browser tests run the same folder (scripts/e2e-server.mjs).

FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM node:22-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN node scripts/prisma-generate.mjs && node scripts/build.mjs

FROM node:22-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 \
    PORT=3000 HOST=0.0.0.0 DATA_DIR=/data LOG_LEVEL=info MALLOC_ARENA_MAX=2
# The image's own unprivileged user (uid 1000), which the Kubernetes manifests run as.
RUN mkdir -p /data && chown node:node /data
COPY --from=build --chown=node:node /app/.next/standalone ./
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/server.mjs"]
