# One image for every perpx process (docker-compose.yml picks the command). UNTESTED here: the project's
# machine has no Docker engine; nothing in the project's scripts or tests depends on this file.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.base.json tsconfig.json ./
COPY shared/package.json shared/
COPY engine/package.json engine/
COPY gateway/package.json gateway/
RUN npm ci --no-audit --no-fund
COPY shared shared
COPY engine engine
COPY gateway gateway
COPY scripts scripts
RUN npx tsc -b && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
# default: the gateway (distributed when KAFKA_BROKERS is set)
CMD ["node", "gateway/dist/src/main.js"]
