# One image per workspace of this repository, built from the repository root:
#   docker build --build-arg WORKSPACE=gateway -t hub/gateway .
#   docker build --build-arg WORKSPACE=subgraphs/plattform -t hub/plattform .
# The image runs the workspace's compiled entry point (dist/src/main.js) with plain node.
# Other entry points of the same image: `node dist/src/main.js --migrate-only` (a subgraph's
# migrations, then exit) and, in the agent image, `node dist/worker/main.js` (the reference worker).
ARG NODE_IMAGE=node:22-bookworm-slim

# Stage 1: the package manifests only (the root's and every workspace's package.json, as the
# workspace folders hold them), so that the installs below stay cached while sources change.
# The workspace folders (the root package.json's "workspaces") are copied whole: no workspace is
# named here, a new one is included as is.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY subgraphs subgraphs
COPY gateway gateway
COPY dashboard dashboard
COPY packages packages
RUN find subgraphs gateway dashboard packages -type f ! -name package.json -delete && find subgraphs gateway dashboard packages -type d -empty -delete

# Stage 2: every dependency (TypeScript included), then compile the workspace and what it references.
FROM ${NODE_IMAGE} AS build
ARG WORKSPACE
WORKDIR /app
COPY --from=manifests /app/ ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json supergraph.graphql supergraph.yaml ./
COPY deploy/docker deploy/docker
COPY subgraphs subgraphs
COPY gateway gateway
COPY dashboard dashboard
COPY packages packages
RUN test -n "$WORKSPACE" && test -f "$WORKSPACE/tsconfig.build.json" && npx tsc -b "$WORKSPACE/tsconfig.build.json"
# What the runtime needs of each compiled workspace (this one and @hub/core): package.json, dist/ and
# data files (schema, sample data).
RUN sh deploy/docker/stage-runtime.sh out subgraphs/* gateway dashboard packages/*

# Stage 3: production dependencies of this workspace only, the compiled code, no TypeScript, no tsx.
FROM ${NODE_IMAGE} AS runtime
ARG WORKSPACE
# NODE_OPTIONS: workspace packages resolve to their compiled dist/ under the hub-dist condition
# (their package.json "exports"); without it they would resolve to the TypeScript sources.
# A larger young generation: every event fanned out to thousands of subscribers allocates ~10 KB
# per subscriber for microseconds; with V8's default 16 MB semi-space much of it was promoted and
# full collections of the old generation (all subscriber state) ran every few seconds. 64 MB
# roughly halved GC time and cut p99 latency at 10,000 subscribers (bench/subscriptions, README.md).
# It only grows when needed, so subgraphs (which serve subscriptions too) keep it as well.
ENV NODE_ENV=production \
    WORKSPACE=${WORKSPACE} \
    NODE_OPTIONS="--conditions=hub-dist --max-semi-space-size=64" \
    SUPERGRAPH_PATH=/app/supergraph.graphql \
    DATA_DIR=/app/data
WORKDIR /app
COPY --from=manifests /app/ ./
RUN npm ci --omit=dev --no-audit --no-fund --workspace "$WORKSPACE" && npm cache clean --force
COPY --from=build /app/out/ ./
# supergraph.yaml: where a subgraph finds its port when <NAME>_PORT is unset (the service searches
# upwards from its code, the healthcheck from /app), as in a checkout.
COPY --from=build /app/supergraph.graphql /app/supergraph.yaml /app/deploy/docker/healthcheck.cjs ./
# DATA_DIR: plattform's generated development key; production passes JWT_PRIVATE_KEY(_FILE) instead.
# 1000 is the node image's `node` user.
RUN mkdir -p data && chown 1000:1000 data
USER node
WORKDIR /app/${WORKSPACE}
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.cjs"]
CMD ["node", "dist/src/main.js"]
