/**
 * How much memory this process may use: the limit of its own memory cgroup (v2 `memory.max`, v1
 * `memory.limit_in_bytes`, the lowest along the path up to the hierarchy's root, since a parent's
 * limit binds its children), else the MEMORY_LIMIT_MB setting. The cgroup is read from
 * /proc/self/cgroup and its mount from /proc/self/mountinfo, so hybrid hosts (v1 memory beside a
 * v2 unified mount) and containers (the cgroup's own directory mounted as the root) both work.
 */
import { readFileSync } from 'node:fs'
import { totalmem } from 'node:os'
import { join } from 'node:path'

export interface MemoryLimit {
  bytes: number
  /** Where the figure came from, for the start-up log. */
  source: 'cgroup v2' | 'cgroup v1' | 'MEMORY_LIMIT_MB'
  /** The limit file that set it, when a cgroup did. */
  file?: string
}

/** v1 reports "no limit" as a huge page-aligned number; anything above this is no limit. */
const UNLIMITED_FROM = 2 ** 60

export type ReadText = (path: string) => string | null

const readText: ReadText = path => {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

export function findMemoryLimit (settingMb: number, read: ReadText = readText): MemoryLimit {
  const cgroup = readCgroupLimit(read)
  if (cgroup) return { ...cgroup, bytes: Math.min(cgroup.bytes, totalmem()) }
  return { bytes: settingMb * 1024 * 1024, source: 'MEMORY_LIMIT_MB' }
}

export interface Mount { root: string, point: string, version: 1 | 2 }

export function readCgroupLimit (read: ReadText = readText): Required<MemoryLimit> | null {
  const cgroups = read('/proc/self/cgroup')
  const mountinfo = read('/proc/self/mountinfo')
  if (!cgroups || !mountinfo) return null
  const mounts = parseMounts(mountinfo)
  let best: Required<MemoryLimit> | null = null
  for (const line of cgroups.split('\n')) {
    const [, controllers, path] = /^\d+:([^:]*):(.*)$/.exec(line.trim()) ?? []
    if (path === undefined || controllers === undefined) continue
    const version = controllers === '' ? 2 : controllers.split(',').includes('memory') ? 1 : 0
    if (version === 0) continue
    const mount = mounts.find(candidate => candidate.version === version)
    if (!mount) continue
    const found = lowestLimitOnPath(mount, path, read)
    if (found && (!best || found.bytes < best.bytes)) best = found
  }
  return best
}

/** The cgroup v2 mounts and v1 memory-controller mounts in a `/proc/<pid>/mountinfo` text. */
export function parseMounts (mountinfo: string): Mount[] {
  const mounts: Mount[] = []
  for (const line of mountinfo.split('\n')) {
    const [before, after] = line.split(' - ')
    if (!before || !after) continue
    const fields = before.split(' ')
    const [type, , options = ''] = after.split(' ')
    const root = fields[3]
    const point = fields[4]
    if (!root || !point) continue
    if (type === 'cgroup2') mounts.push({ root, point, version: 2 })
    else if (type === 'cgroup' && options.split(',').includes('memory')) mounts.push({ root, point, version: 1 })
  }
  return mounts
}

/** Walks from the process's cgroup directory up to the mount point, keeping the lowest limit. */
function lowestLimitOnPath (mount: Mount, cgroupPath: string, read: ReadText): Required<MemoryLimit> | null {
  // Inside a container the mount's root is the container's own cgroup: the path is relative to it.
  const relative = mount.root !== '/' && cgroupPath.startsWith(mount.root) ? cgroupPath.slice(mount.root.length) : cgroupPath
  const parts = relative.split('/').filter(Boolean)
  const fileName = mount.version === 2 ? 'memory.max' : 'memory.limit_in_bytes'
  let best: Required<MemoryLimit> | null = null
  for (let depth = parts.length; depth >= 0; depth--) {
    const file = join(mount.point, ...parts.slice(0, depth), fileName)
    const text = read(file)?.trim()
    if (!text || text === 'max') continue
    const bytes = Number(text)
    if (!Number.isFinite(bytes) || bytes <= 0 || bytes >= UNLIMITED_FROM) continue
    if (!best || bytes < best.bytes) best = { bytes, source: mount.version === 2 ? 'cgroup v2' : 'cgroup v1', file }
  }
  return best
}
