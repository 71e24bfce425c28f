/**
 * Spends the process's memory limit (limit.ts) on purpose. Of the limit, a share is kept free
 * (glibc's arenas, the kernel's page cache charged to the cgroup, measurement error); the idle
 * server itself takes a fixed base; what is left is the jobs' pool, which the queue admits jobs
 * against (budget.ts). A page is given a share of the pool, from which the largest image the
 * page reader may decode and the largest page it may render for OCR follow.
 *
 * The constants are measured on this project's own workloads (BENCHMARKS.md, "Memory"): an idle
 * server with both pipelines loaded, a report's read threads and PDF writer, the page reader
 * and the OCR engine (child processes) per rendered pixel.
 */
import type { MemoryLimit } from './limit.ts'

const MB = 1024 * 1024

/** Kept free of planned use: the limit is where the kernel kills, not a target. */
const HEADROOM_SHARE = 0.22
/** The server with nothing running: V8 heap, modules, HTTP, the job store. */
const SERVER_BASE_BYTES = 160 * MB
/** Never plan a pool smaller than one modest job, whatever the limit says. */
const MIN_POOL_BYTES = 96 * MB
/** A report job: two read threads, a forecast helper, the PDF writer's thread (one at a time). */
const REPORT_JOB_BYTES = 100 * MB
/** The page reader's own heap and pdfjs's structures, before any page is decoded. */
const READER_BASE_BYTES = 50 * MB
/**
 * The page reader and the OCR engine are Node processes of their own (one at a time): a second
 * runtime's resident code and heap, which a job holds beside its pages (without it the estimate
 * fell short of a job's measured peak).
 */
const CHILD_PROCESS_BYTES = 50 * MB
/**
 * Bytes the page reader and OCR hold per pixel of a decoded image: the decoded samples (up to 4
 * a pixel), pdfjs's RGBA copy for drawing, and the grey copy the page is shrunk from.
 */
const BYTES_PER_IMAGE_PIXEL = 9
/** Bytes per pixel of a page rendered for OCR: the canvas (RGBA), the grey PNG, and tesseract's copies and working images (most of it). */
const BYTES_PER_RENDERED_PIXEL = 24

export interface MemoryPlan {
  limit: MemoryLimit
  /** What all running jobs together may hold beyond the idle server. */
  poolBytes: number
  /** What one page of an intake job may hold while it is decoded and rendered. */
  pageBytes: number
  /** Largest embedded image (width × height) decoded; larger ones are left out with a page warning. */
  maxImagePixels: number
  /** Largest page image rendered for OCR; larger pages are rendered at a lower resolution. */
  maxRenderPixels: number
  /** Estimates the queue admits jobs by. */
  jobBytes: { report: number, intake: number }
}

export function planMemory (limit: MemoryLimit): MemoryPlan {
  const usable = limit.bytes * (1 - HEADROOM_SHARE)
  const poolBytes = Math.max(MIN_POOL_BYTES, Math.floor(usable - SERVER_BASE_BYTES))
  // One page at a time runs per process (the intake pipeline's page-work turn), so a page may
  // have most of the pool; the rest is left for a report running beside it.
  const pageBytes = Math.max(32 * MB, Math.floor((poolBytes - READER_BASE_BYTES) * 0.6))
  return {
    limit,
    poolBytes,
    pageBytes,
    maxImagePixels: Math.floor(pageBytes / BYTES_PER_IMAGE_PIXEL),
    maxRenderPixels: Math.floor(pageBytes / BYTES_PER_RENDERED_PIXEL),
    jobBytes: {
      report: Math.min(poolBytes, REPORT_JOB_BYTES),
      intake: Math.min(poolBytes, CHILD_PROCESS_BYTES + READER_BASE_BYTES + pageBytes)
    }
  }
}
