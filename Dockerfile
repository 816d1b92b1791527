# The image that `bench k8s-job` manifests run: h1bench's CLI is the entrypoint, so a pod's args are `run …`.
#   docker build -t REGISTRY/h1bench:TAG . && docker push REGISTRY/h1bench:TAG

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency has an install script; --ignore-scripts also skips our own `prepare` (the build), which runs below
# once the sources are in, so this layer stays cached until the lock file changes.
RUN npm ci --ignore-scripts
COPY tsconfig.json ./
COPY src ./src
COPY bench ./bench
COPY scripts/build.mjs ./scripts/
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/bench/suites ./bench/suites
# bench run also writes its report under results/ (even with --json): the unprivileged user must be able to.
RUN mkdir results && chown 1000:1000 results
# The image's `node` user, by number, so that `runAsNonRoot: true` in the manifest can verify it is not root.
USER 1000:1000
ENTRYPOINT ["node", "dist/src/cli/main.js"]
CMD ["--help"]
