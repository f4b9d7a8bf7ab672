# Stepflow API / worker image. The same image runs `stepflow api`, `stepflow worker` or
# `stepflow migrate` (the command decides); the Temporal server is a separate service.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY schemas schemas
COPY engine engine
COPY workflows workflows
COPY activities activities
COPY ui ui
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 FUNCTIONS_DIR=/app/functions
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY bin bin
COPY engine/db/sql engine/db/sql
COPY functions functions
USER node
EXPOSE 8080
ENTRYPOINT ["node", "bin/stepflow.js"]
CMD ["api"]
