# syntax=docker/dockerfile:1
# The worker image. Node 24 LTS comes from the base image, so no provisioning happens here.
FROM node:24.21.0-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY bin ./bin
COPY scripts ./scripts
COPY patches ./patches
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# `prepare` compiles src/ to dist/ during npm ci.
RUN npm ci && npm prune --omit=dev

FROM node:24.21.0-bookworm-slim
ENV NODE_ENV=production
# Two glibc malloc arenas: part of the worker's memory bound (src/ops/node-flags.ts, WORKER_ENV).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY schemas ./schemas
USER node
# Run with an init (compose `init: true`, `docker run --init`, or Kubernetes' pause container)
# so that SIGTERM reaches Node and the worker can finish its batch and commit.
# --max-semi-space-size, --heap-growing-percent: the worker's memory bound (src/ops/node-flags.ts, WORKER_NODE_FLAGS).
ENTRYPOINT ["node", "--max-semi-space-size=8", "--heap-growing-percent=150", "dist/cli/main.js"]
EXPOSE 9464
CMD ["run"]
