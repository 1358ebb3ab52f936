# syntax=docker/dockerfile:1
# The API server's image: `docker build -t analytics-api .` (see README, "Deploying").
# chDB (the embedded ClickHouse) needs glibc: a Debian base, not Alpine.
ARG NODE_IMAGE=node:24-bookworm-slim

# Build stage: every dependency (dev ones too), then `nest build` into dist/.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies only and the built dist/, installed and started by
# scripts/start-production.sh, the script CI runs the same way (test/production-start.e2e-spec.ts).
FROM ${NODE_IMAGE} AS runtime
ENV DATA_DIR=/data \
    HOST=0.0.0.0 \
    PORT=3333
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/start-production.sh scripts/start-production.sh
RUN scripts/start-production.sh install && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded stores (PGlite, chDB) and the write-ahead log (DATA_DIR/wal) live in /data:
# the application files stay owned by root, read-only to the server's user.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3333
# 503 while starting (migrations) or draining; curl is not in the slim image, node's fetch is.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3333)+'/healthz/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server drains on SIGTERM (requests in flight finish, waiting events are inserted) and
# exits 0; allow it more than SHUTDOWN_TIMEOUT_MS (10 s): `docker stop -t 30`.
STOPSIGNAL SIGTERM
# Exec form, and the script execs node: node is PID 1 and receives the signal itself.
CMD ["scripts/start-production.sh", "start"]
