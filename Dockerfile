# stagecast: one image for API instances (the default command) and workers
# (`node src/worker.ts`). Node 24 runs the TypeScript sources directly, so there is no
# compile step: the first stage installs production dependencies — including the offline
# OCR model (@tesseract.js-data/eng) and the prebuilt native modules — and the second
# copies them with the sources into a clean image that runs as the unprivileged `node` user.

ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force
# Fail the build, not the first scanned page, if the OCR model is missing: nothing may be
# downloaded at run time.
RUN node -e "const p=require('node:path');require('node:fs').accessSync(p.join(p.dirname(require.resolve('@tesseract.js-data/eng/package.json')),'4.0.0_best_int','eng.traineddata.gz'))"

FROM ${NODE_IMAGE} AS runtime
# glibc malloc: two arenas, and blocks from 32 KiB up mapped and handed back when freed, keep
# the OCR threads' page buffers and an upload's 64 KiB socket reads from piling up in glibc's
# arenas (scanned PDFs ~70 MB, a 200 MB CSV report 20–60 MB less at peak, see BENCHMARKS.md).
# glibc reads these at process start, so they cannot live in the app's config.
# Node's compile cache: with it set before Node starts, modules load without the TypeScript
# type-stripping compiler, ~20 MB less resident per process and per thread (src/compile-cache.ts).
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    MALLOC_ARENA_MAX=2 \
    MALLOC_MMAP_THRESHOLD_=32768 \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node src ./src
# The data folder is where uploads, results and exports live; with workers it must be one
# volume shared by every API and worker container.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness of an API container (`/health`). Workers have no HTTP port: docker-compose.yml
# overrides this with their heartbeat check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "src/server.ts"]
