# syntax=docker/dockerfile:1
# Build stage: the C++ toolchain compiles the native SQLite driver, esbuild bundles src/ (scripts/build.ts); then only
# the production dependencies are kept (npm prune: better-sqlite3 stays as compiled, nothing is built
# twice) and scripts/slim-node-modules.sh drops what Node never reads (the driver's sources and object
# files, TypeScript sources and declarations, source maps). Nothing of this stage but dist/ and that
# node_modules reaches the image.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY src ./src
COPY scripts/build.ts scripts/slim-node-modules.sh ./scripts/
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && sh scripts/slim-node-modules.sh node_modules \
 && find dist -name '*.map' -delete

# Run stage: slim Node 22 LTS, ffmpeg for voice notes, tini as PID 1, non-root, data volume for the
# embedded store. The code belongs to root and is only readable by the user node, which can write
# nothing but /app/data.
# PORT stays above 1024: the user node may not bind 80 where the runtime keeps ports below 1024
# privileged (Kubernetes, Podman, rootless Docker); publish it instead (-p 80:3000). A mounted /app/.env
# with WhatsAppInSlack's PORT=80 does not override this ENV. No setcap on node: a file capability
# makes node fail to start at all in a container that drops NET_BIND_SERVICE (cap_drop: ALL).
FROM node:22-bookworm-slim
# MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_ and the CMD's Node option are those of `npm start` (package.json;
# README, "Deploy").
ENV NODE_ENV=production PORT=3000 MALLOC_ARENA_MAX=2 MALLOC_TRIM_THRESHOLD_=131072
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /app/data && chown node:node /app/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
# As `npm start`, without npm between tini and node.
CMD ["node", "--max-semi-space-size=2", "dist/main.js"]
