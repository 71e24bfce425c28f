/**
 * Loads the augurs WebAssembly modules once per thread. Each module is compiled once per process
 * from its `.wasm` bytes in node_modules and initialised with `initSync` (the default async
 * `init()` fetches a `file:` URL, which Node's fetch refuses). Stages call `prepareAugurs` first,
 * which compiles with `WebAssembly.compile` on V8's background threads: compiling them
 * synchronously blocked the event loop 0.1–0.4 s on the first report (issue 11). Forecast worker
 * threads adopt the main thread's compiled modules instead of compiling their own: V8 shares the
 * machine code between threads, so a new thread starts with code that is already optimised.
 */
import { readFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { initSync as initChangepoint } from '@bsull/augurs/changepoint'
import { initSync as initEts } from '@bsull/augurs/ets'
import { initSync as initMstl } from '@bsull/augurs/mstl'
import { initSync as initOutlier } from '@bsull/augurs/outlier'

const modules = { mstl: initMstl, ets: initEts, outlier: initOutlier, changepoint: initChangepoint } as const
export type AugursModule = keyof typeof modules
export type CompiledAugurs = Partial<Record<AugursModule, WebAssembly.Module>>

const ready = new Set<AugursModule>()
const compiled: CompiledAugurs = {}
const packageDir = dirname(createRequire(import.meta.url).resolve('@bsull/augurs/mstl'))

const wasmPath = (name: AugursModule) => join(packageDir, `${name}_bg.wasm`)
const compiling = new Map<AugursModule, Promise<void>>()

/** Compiles the modules not compiled yet without blocking the event loop; call before loadAugurs. */
export async function prepareAugurs (...names: AugursModule[]): Promise<void> {
  await Promise.all(names.filter(name => !compiled[name]).map(name => {
    let pending = compiling.get(name)
    if (!pending) {
      pending = readFile(wasmPath(name)).then(bytes => WebAssembly.compile(bytes)).then(
        module => { compiled[name] ??= module },
        (error: unknown) => { compiling.delete(name); throw error }
      )
      compiling.set(name, pending)
    }
    return pending
  }))
}

/** The compiled modules, compiling any not compiled yet; a WebAssembly.Module can be posted to a worker. */
export function compileAugurs (...names: AugursModule[]): CompiledAugurs {
  for (const name of names) compiled[name] ??= new WebAssembly.Module(readFileSync(wasmPath(name)))
  return Object.fromEntries(names.map(name => [name, compiled[name]]))
}

/** Takes modules another thread compiled, so loadAugurs here uses them. */
export function adoptAugurs (modules: CompiledAugurs): void {
  Object.assign(compiled, modules)
}

/** Idempotent: call before using a module's classes. */
export function loadAugurs (...names: AugursModule[]): void {
  for (const name of names) {
    if (ready.has(name)) continue
    modules[name]({ module: compileAugurs(name)[name] as WebAssembly.Module })
    ready.add(name)
  }
}
