# syntax=docker/dockerfile:1
# The tradetrace image: the `tradetrace` command (collector, export, demo, ...) on Node 22, running the same compiled
# build the npm packages ship (`npm run build`: JavaScript in each package's build/), plus production dependencies.

# Node >= 22.18 runs .ts files without flags; the same major as the repository's `node` devDependency.
FROM node:22.23.3-bookworm-slim AS build
WORKDIR /app
# The whole context (.dockerignore keeps node_modules, data and .env out): every workspace manifest is there for
# `npm ci`, and every source and test for the type check, whatever workspaces the root package.json lists.
COPY . .
# --omit=optional leaves out chDB's 550 MB engine (an optional dependency of `chdb`): the image talks to a ClickHouse
# server (--clickhouse-url) and loads chDB only in embedded mode. --ignore-scripts skips the `node` devDependency's
# binary download; the base image already is Node 22. The cache mount keeps npm's download cache between builds.
RUN --mount=type=cache,target=/root/.npm npm ci --omit=optional --ignore-scripts --no-audit --no-fund
# The type check a developer runs (tsc -b: every workspace, sources and tests), then the packages' build.
RUN npm run typecheck && npm run build
RUN npm prune --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund \
 && rm -rf */test bench docs .ci */build/*.tsbuildinfo

FROM node:22.23.3-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Everything comes from the build stage, so the image only ever holds code that passed the type check.
COPY --from=build /app /app
# The collector's folder (write-ahead spool, dead letters); the compose file mounts a named volume here.
RUN mkdir -p /var/lib/tradetrace && chown node:node /var/lib/tradetrace
USER node
EXPOSE 4318
ENTRYPOINT ["node", "/app/cli/build/bin.js"]
CMD ["collector", "--host", "0.0.0.0", "--port", "4318", "--data", "/var/lib/tradetrace"]
