/**
 * A memory cgroup for one test run, on cgroup v1 or v2, whichever holds the memory controller of
 * this process. Made as a child of the process's own cgroup (v1, or v2 when that cgroup can
 * delegate the memory controller), else under the hierarchy's root. Needs root.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseMounts, type Mount } from '../../src/memory/limit.ts'

export interface TestCgroup {
  version: 1 | 2
  dir: string
  /** argv that moves itself into the cgroup, then execs `command`. */
  wrap: (command: string[]) => string[]
  /** The kernel's count of OOM kills inside the cgroup. */
  oomKills: () => number
  /** Highest memory use the kernel recorded (v1 max_usage_in_bytes, v2 memory.peak), or NaN. */
  peakBytes: () => number
  remove: () => void
}

function mountOf (version: 1 | 2): Mount | null {
  return parseMounts(readFileSync('/proc/self/mountinfo', 'utf8')).find(mount => mount.version === version) ?? null
}

/** Where this process's memory controller lives: the v1 hierarchy that names it, else v2. */
export function memoryCgroupOfSelf (): { version: 1 | 2, mount: Mount, path: string } | null {
  const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n')
  const v1 = lines.map(line => /^\d+:([^:]*):(.*)$/.exec(line)).find(match => match?.[1]?.split(',').includes('memory'))
  if (v1?.[2] !== undefined) {
    const mount = mountOf(1)
    if (mount) return { version: 1, mount, path: v1[2] }
  }
  const v2 = lines.map(line => /^0::(.*)$/.exec(line)).find(Boolean)
  const mount = mountOf(2)
  if (v2?.[1] !== undefined && mount && readFileSync(join(mount.point, 'cgroup.controllers'), 'utf8').split(' ').map(name => name.trim()).includes('memory')) {
    return { version: 2, mount, path: v2[1] }
  }
  return null
}

function ownDir (mount: Mount, path: string): string {
  const relative = mount.root !== '/' && path.startsWith(mount.root) ? path.slice(mount.root.length) : path
  return join(mount.point, relative)
}

function tryWrite (file: string, text: string): boolean {
  try {
    writeFileSync(file, text)
    return true
  } catch {
    return false
  }
}

export function createTestCgroup (limitBytes: number, name = `stagecast-memtest-${process.pid}`): TestCgroup {
  const self = memoryCgroupOfSelf()
  if (!self) throw new Error('No memory cgroup controller was found (neither a cgroup v1 memory hierarchy nor cgroup v2 with the memory controller).')
  const { version, mount, path } = self
  let parent = ownDir(mount, path)
  // v2 lets a cgroup with processes in it hand controllers to children only at the root.
  if (version === 2 && !tryWrite(join(parent, 'cgroup.subtree_control'), '+memory')) {
    parent = mount.point
    tryWrite(join(parent, 'cgroup.subtree_control'), '+memory')
  }
  const dir = join(parent, name)
  if (!existsSync(dir)) mkdirSync(dir)
  if (version === 1) {
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(limitBytes))
    // With swap on the host, memory+swap must be bounded too, or the limit only moves pages to swap.
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes'))) tryWrite(join(dir, 'memory.memsw.limit_in_bytes'), String(limitBytes))
  } else {
    writeFileSync(join(dir, 'memory.max'), String(limitBytes))
    if (existsSync(join(dir, 'memory.swap.max'))) tryWrite(join(dir, 'memory.swap.max'), '0')
  }
  const read = (file: string) => readFileSync(join(dir, file), 'utf8')
  return {
    version,
    dir,
    wrap: command => ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', join(dir, 'cgroup.procs'), ...command],
    oomKills: () => {
      const text = version === 1 ? read('memory.oom_control') : read('memory.events')
      return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0)
    },
    peakBytes: () => {
      try {
        return Number(read(version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak').trim())
      } catch {
        return Number.NaN
      }
    },
    remove: () => {
      try {
        rmdirSync(dir)
      } catch {}
    }
  }
}
