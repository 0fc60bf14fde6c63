# syntax=docker/dockerfile:1
# Open Images GraphQL gateway. Build: docker build -t openimages-gateway .
# Run:   docker run -p 4000:4000 openimages-gateway   (GraphiQL at http://localhost:4000/graphql)

# --- build: all dependencies, TypeScript -> dist/ ---------------------------------------------
FROM node:20-bookworm-slim AS build
# onnxruntime-node carries its CPU binaries; its postinstall would only fetch CUDA parts from another host
# (npm 11 skips it through package.json's allowScripts; the npm in this image is older).
ENV ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
# npm runs the package's `prepare` script (scripts/support/runBuilt.cjs) after installing; without sources it does nothing.
COPY package.json package-lock.json ./
COPY scripts/support/runBuilt.cjs ./scripts/support/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY resolvers ./resolvers
COPY scripts ./scripts
COPY bench ./bench
COPY web ./web
RUN npm run build && npm run build:web

# --- runtime: production dependencies, compiled code, demo data -------------------------------
FROM node:20-bookworm-slim AS runtime
# Two malloc arenas keep the RSS flat under sustained classification (bench:soak: 1.085x -> 1.030x from 1k to 10k).
ENV MALLOC_ARENA_MAX=2
ENV NODE_ENV=production \
    PORT=4000 \
    HOST=0.0.0.0 \
    ONNXRUNTIME_NODE_INSTALL=skip
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/support/runBuilt.cjs ./scripts/support/
# The optional @tensorflow/tfjs-node downloads libtensorflow while installing (internet needed);
# where that fails npm drops it and the TF.js fallback runs on the bundled WebAssembly backend.
# onnxruntime-node ships binaries for every platform: keep this one's (-245 MB).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force \
 && ort=node_modules/onnxruntime-node/bin/napi-v6 && arch=$(node -p process.arch) \
 && find "$ort" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} + \
 && find "$ort/linux" -mindepth 1 -maxdepth 1 ! -name "$arch" -exec rm -rf {} +
COPY --from=build /app/dist ./dist
# Served when DATA_DIR is unset; found relative to package.json (src/paths.ts).
COPY src/store/demo ./src/store/demo
# The shipped default model (served when MODEL_DIR is unset), with its LICENSE and PROVENANCE.
COPY default-model ./default-model
# MODELS_DIR (./models) is where `model:download` and trainModel write: owned by the runtime user.
RUN mkdir -p /app/models && chown node:node /app/models
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and handles SIGTERM itself (drains in-flight requests, then exits 0).
CMD ["node", "dist/src/main.js"]
