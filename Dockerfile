# CommPro: the API, the built web app and Socket.io in one Node.js process.
# Build: docker build -t commpro .   Run with PostgreSQL and Redis: docker compose up (docker-compose.yml).

FROM node:20-slim AS build
WORKDIR /app
# Manifests first, so the dependency layer is reused while only sources change.
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY apps/server/package.json apps/server/
COPY apps/web/package.json apps/web/
RUN npm ci
COPY . .
RUN npm run build
# Only what runs goes to the runtime image: production dependencies and build outputs (plus the migrations).
RUN npm prune --omit=dev \
  && mkdir -p /out/packages/contracts /out/apps/server /out/apps/web \
  && cp -a package.json node_modules /out/ \
  && cp -a packages/contracts/package.json packages/contracts/dist /out/packages/contracts/ \
  && cp -a apps/server/package.json apps/server/dist apps/server/drizzle /out/apps/server/ \
  && if [ -d apps/server/node_modules ]; then cp -a apps/server/node_modules /out/apps/server/; fi \
  && cp -a apps/web/package.json apps/web/dist /out/apps/web/

FROM node:20-slim
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# The code belongs to root and is read-only to the server; it writes only to DATA_DIR.
COPY --from=build /out /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
# Liveness only: a database or Redis outage must not get the container restarted in a loop (/health/ready says it).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "apps/server/dist/main.js"]
