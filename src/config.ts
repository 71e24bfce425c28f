/**
 * Every setting comes from an environment variable, validated once at start-up against this
 * schema. A bad value stops the process with a message naming the variable; defaults make a
 * bare `npm start` work (embedded store, local data folder, offline OCR, local exports).
 * `.env.example` documents the same variables; `config.test.ts` keeps the two in step.
 */
import { availableParallelism } from 'node:os'
import { resolve } from 'node:path'
import envSchema from 'env-schema'
import { Type, type Static } from 'typebox'
import { prepareDataDir } from './jobs/data-dir-check.ts'
import { checkTokenSecret, parseApiKeys, parseTrustProxy, type TrustProxy } from './security/access-settings.ts'

const seconds = (defaultValue: number, minimum = 1) => Type.Integer({ minimum, default: defaultValue })

export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'production', 'test'], { default: 'development' }),
  HOST: Type.String({ default: '127.0.0.1', minLength: 1 }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  /** Where uploads, job records, results and local exports live (shared by API and workers). */
  DATA_DIR: Type.String({ default: './data', minLength: 1 }),
  /** Switches the store and queue to Redis (scale-out mode), e.g. `redis://127.0.0.1:6379`. */
  REDIS_URL: Type.String({ default: '', pattern: '^$|^rediss?://' }),
  /** Prefix of every Redis key, so several deployments can share one Redis. */
  REDIS_PREFIX: Type.String({ default: 'stagecast', pattern: '^[A-Za-z0-9:_-]+$' }),
  /** With REDIS_URL: whether an API instance also runs jobs (like a worker). Off: only `npm run worker` processes do. */
  RUN_WORKER_IN_API: Type.Boolean({ default: false }),
  /** With REDIS_URL: a worker silent this long is presumed dead and its job is resumed by another worker. */
  WORKER_LOCK_MS: Type.Integer({ minimum: 1000, default: 30_000 }),
  /** `npm run worker` serves its own Prometheus metrics on HOST:this port (0: none). */
  WORKER_METRICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 9464 }),

  JOB_TTL_SECONDS: seconds(3600),
  TOMBSTONE_TTL_SECONDS: seconds(86400),
  STALL_TIMEOUT_SECONDS: seconds(120),
  /** How often the background sweep evicts expired jobs and detects stalled ones. */
  SWEEP_INTERVAL_MS: Type.Integer({ minimum: 5, default: 1000 }),
  /** Jobs one process runs at once (the API without Redis, each worker with it); defaults to the number of cores. */
  JOB_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 256, default: availableParallelism() }),
  /** Jobs waiting beyond this many answer new uploads with 503 instead of queueing forever. */
  MAX_QUEUED_JOBS: Type.Integer({ minimum: 1, default: 1000 }),
  /** New uploads get 503 when DATA_DIR's disk would have less than this free after them; 0 turns the check off. */
  MIN_FREE_DISK_BYTES: Type.Integer({ minimum: 0, default: 256 * 1024 * 1024 }),
  /** How long running jobs may take to finish at shutdown before they are marked interrupted. */
  SHUTDOWN_GRACE_SECONDS: seconds(10, 0),

  MAX_UPLOAD_BYTES: Type.Integer({ minimum: 1, default: 512 * 1024 * 1024 }),
  MAX_FILES: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),

  HEARTBEAT_SECONDS: seconds(15),
  WAIT_TIMEOUT_SECONDS: seconds(30),
  MAX_STREAM_SECONDS: seconds(3600),
  /** The `retry:` hint sent to EventSource clients. */
  SSE_RETRY_MS: Type.Integer({ minimum: 0, default: 2000 }),
  /** A client whose unsent data exceeds this is disconnected (it resumes with Last-Event-ID). */
  SSE_MAX_BUFFER_BYTES: Type.Integer({ minimum: 1024, default: 1024 * 1024 }),
  /** Event streams open at once (~40 KB each); past it new ones are dropped and EventSource retries. */
  MAX_OPEN_STREAMS: Type.Integer({ minimum: 1, default: 10_000 }),

  /** Comma-separated allowed origins; empty means same origin (plus http://localhost:* in development). */
  CORS_ORIGINS: Type.String({ default: '' }),

  /** Comma-separated API keys (each at least 16 characters). When set, every /api route needs `Authorization: Bearer <key>`. */
  API_KEYS: Type.String({ default: '' }),
  /** HMAC secret of the per-job link tokens (at least 32 characters). Empty: random per process, so several instances must share one. */
  TOKEN_SECRET: Type.String({ default: '' }),
  /** How long a link token (`?token=` on the stream, result and PDF links) stays valid; longer while its job runs and for JOB_TTL_SECONDS after it finished. */
  TOKEN_TTL_SECONDS: seconds(3600),
  /** Uploads one client (IP address) may start per minute; 0 turns the limit off. */
  RATE_LIMIT_UPLOADS_PER_MINUTE: Type.Integer({ minimum: 0, default: 60 }),
  /** Which proxies may set X-Forwarded-For: `false`, `true`, a hop count, or addresses/CIDRs/`loopback`/`uniquelocal`. */
  TRUST_PROXY: Type.String({ default: 'loopback' }),
  /** A client must send all request headers within this time (slowloris bound). */
  HEADERS_TIMEOUT_SECONDS: seconds(20),
  /** A client must send a whole request, upload included, within this time. */
  REQUEST_TIMEOUT_SECONDS: seconds(3600),
  /** A connection with no traffic either way for this long is closed; must exceed HEARTBEAT_SECONDS. */
  IDLE_TIMEOUT_SECONDS: seconds(60),
  /**
   * Under pressure, new uploads get 503 (streams never do). 0 turns a check off; all are off by
   * default, as accepted jobs queue anyway (the queue and disk bounds above refuse what runs out).
   * Mean event-loop delay per sample:
   */
  PRESSURE_MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
  PRESSURE_MAX_EVENT_LOOP_UTILIZATION: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
  PRESSURE_MAX_HEAP_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  PRESSURE_MAX_RSS_BYTES: Type.Integer({ minimum: 0, default: 0 }),
  /** How often pressure is measured; at least 100 ms, as the event-loop delay is sampled every 10 ms. */
  PRESSURE_SAMPLE_INTERVAL_MS: Type.Integer({ minimum: 100, default: 1000 }),

  /** Forecast report: groups forecast individually per region/department; the rest is "Other". */
  REPORT_MAX_GROUPS: Type.Integer({ minimum: 1, maximum: 100, default: 12 }),
  /** Forecast report: most threads one big CSV is read with, one part of the file each. */
  REPORT_READ_THREADS: Type.Integer({ minimum: 1, maximum: 64, default: Math.min(2, availableParallelism()) }),

  /**
   * Memory the server plans to stay within, in MiB, when it runs under no cgroup memory limit
   * (under one, the cgroup's limit is used). Jobs are admitted, and page images sized, from it.
   */
  MEMORY_LIMIT_MB: Type.Integer({ minimum: 128, default: 512 }),
  /**
   * On Linux with glibc, `npm start` restarts itself once with MALLOC_ARENA_MAX=2 and
   * MALLOC_MMAP_THRESHOLD_=131072 unless they are already set (they must be set before the
   * process starts): freed page and socket buffers then go back to the system. `false` skips it.
   */
  GLIBC_MALLOC_TUNING: Type.Boolean({ default: true }),

  /** Intake: OCR engine choice; `auto` uses Vision when Google credentials are configured. */
  OCR_ENGINE: Type.Enum(['auto', 'tesseract', 'vision'], { default: 'auto' }),
  MAX_PAGES: Type.Integer({ minimum: 1, default: 500 }),
  /** Largest page image rendered for OCR, in pixels; bigger pages are downscaled to fit. */
  MAX_PAGE_PIXELS: Type.Integer({ minimum: 100_000, default: 25_000_000 }),
  /** Path of a Google service-account key file; enables Sheets, Drive and Vision. */
  GOOGLE_APPLICATION_CREDENTIALS: Type.String({ default: '' }),
  SHEET_ID: Type.String({ default: '' }),
  SHEET_RANGE: Type.String({ default: 'Sheet1!A1' }),
  DRIVE_FOLDER_ID: Type.String({ default: '' })
})

type RawConfig = Static<typeof ConfigSchema>

export type Config = Readonly<RawConfig & {
  /** DATA_DIR made absolute, so workers and the API agree on paths. */
  dataDir: string
  corsOrigins: readonly string[]
  apiKeys: readonly string[]
  trustProxy: TrustProxy
}>

/**
 * Validates `env` (default: `process.env`) and returns the frozen config; throws naming the
 * variable. DATA_DIR is created if missing and must be a writable folder (data-dir.ts).
 */
export function loadConfig (env: Record<string, string | undefined> = process.env): Config {
  const raw = envSchema<RawConfig>({ schema: ConfigSchema, data: env, env: false, dotenv: false })
  checkTokenSecret(raw.TOKEN_SECRET)
  if (raw.IDLE_TIMEOUT_SECONDS <= raw.HEARTBEAT_SECONDS) {
    throw new Error(`IDLE_TIMEOUT_SECONDS (${raw.IDLE_TIMEOUT_SECONDS}) must be greater than HEARTBEAT_SECONDS (${raw.HEARTBEAT_SECONDS}), or idle event streams would be cut.`)
  }
  const dataDir = resolve(raw.DATA_DIR)
  prepareDataDir(dataDir, raw.DATA_DIR)
  return Object.freeze({
    ...raw,
    dataDir,
    corsOrigins: raw.CORS_ORIGINS.split(',').map(origin => origin.trim()).filter(Boolean),
    apiKeys: Object.freeze(parseApiKeys(raw.API_KEYS)),
    trustProxy: parseTrustProxy(raw.TRUST_PROXY)
  })
}
