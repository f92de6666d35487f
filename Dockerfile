# syntax=docker/dockerfile:1
# Build: compile TypeScript and the native SQLite driver with the toolchain, then keep only runtime deps.
FROM node:22-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

# Run: slim image, ffmpeg for voice notes, non-root user, data volume for the embedded store.
# PORT stays above 1024: the user node may not bind 80 where the runtime keeps ports below 1024
# privileged (Kubernetes, Podman, rootless Docker); publish it instead (-p 80:3000). A mounted /app/.env
# with WhatsAppInSlack's PORT=80 does not override this ENV. No setcap on node: a file capability
# makes node fail to start at all in a container that drops NET_BIND_SERVICE (cap_drop: ALL).
FROM node:22-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg tini \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /app/data && chown node:node /app/data
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --chown=node:node package.json ./
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/main.js"]
