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
# Only what runs: production dependencies, without the files Node never reads — source maps,
# type declarations, the browser-only builds of the OCR engine (`*.wasm.js`: in Node, tesseract.js
# loads `tesseract-core-*.js` beside its `.wasm`), and the seven Noto Sans JP weights the report
# does not use (src/pipelines/report/pdf/theme.ts names Regular and Bold; checked below).
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force \
 && find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \) -delete \
 && find node_modules/tesseract.js-core -name '*.wasm.js' -delete \
 && find node_modules/@expo-google-fonts/noto-sans-jp -mindepth 1 -maxdepth 1 -type d ! -name 400Regular ! -name 700Bold -exec rm -rf {} +
# Fail the build, not the first scanned page, if the OCR model is missing: nothing may be
# downloaded at run time.
RUN node -e "const p=require('node:path');require('node:fs').accessSync(p.join(p.dirname(require.resolve('@tesseract.js-data/eng/package.json')),'4.0.0_best_int','eng.traineddata.gz'))"

FROM ${NODE_IMAGE} AS runtime
# poppler's pdftoppm renders a scanned page whose image is too large to decode within the memory
# budget, shrinking it while it reads (src/pipelines/intake/pages/poppler.ts); without it such a
# page is read without its image and a warning says so.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends poppler-utils \
 && apt-get clean && rm -rf /var/lib/apt/lists/* /var/cache/apt/* /var/log/apt /var/log/dpkg.log
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
    MALLOC_MMAP_THRESHOLD_=131072 \
    NODE_COMPILE_CACHE=/tmp/node-compile-cache
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json ./
COPY --chown=node:node src ./src
COPY deploy/docker-entrypoint.sh /usr/local/bin/stagecast-entrypoint
# Fail the build if the report's fonts were pruned away above (the PDF stage would fail later).
RUN env -u NODE_COMPILE_CACHE node -e "import('./src/pipelines/report/pdf/theme.ts').then(theme => { for (const font of [theme.FONT_REGULAR, theme.FONT_BOLD]) require('node:fs').accessSync(font) })"
# The data folder is where uploads, results and exports live; with workers it must be one
# volume shared by every API and worker container. A named volume starts as this folder (owned
# by `node`, uid 1000); a bind-mounted host folder must belong to uid 1000 — the entrypoint
# stops with that fix when DATA_DIR is not writable. The compile cache folder must be the
# runtime user's too (a base image whose npm enabled Node's compile cache ships it root-owned).
RUN mkdir -p /data "$NODE_COMPILE_CACHE" && chown -R node:node /data "$NODE_COMPILE_CACHE"
USER node
VOLUME ["/data"]
EXPOSE 3000
ENTRYPOINT ["stagecast-entrypoint"]
# Liveness of an API container (`/health`). Workers have no HTTP port: docker-compose.yml
# overrides this with their heartbeat check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "src/server.ts"]
