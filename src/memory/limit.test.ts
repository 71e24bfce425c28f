import { describe, expect, it } from 'vitest'
import { findMemoryLimit, readCgroupLimit } from './limit.ts'

const files = (entries: Record<string, string>) => (path: string) => entries[path] ?? null

const V1_MOUNTINFO = [
  '25 1 0:23 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755',
  '26 25 0:24 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate',
  '36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid shared:16 - cgroup cgroup rw,memory'
].join('\n')

describe('readCgroupLimit', () => {
  it('reads a v1 limit from the process\'s own cgroup on a hybrid host, the lowest on the path', () => {
    const limit = readCgroupLimit(files({
      '/proc/self/cgroup': '4:memory:/api/job-7\n0::/user.slice\n',
      '/proc/self/mountinfo': V1_MOUNTINFO,
      '/sys/fs/cgroup/memory/api/job-7/memory.limit_in_bytes': '9223372036854771712\n',
      '/sys/fs/cgroup/memory/api/memory.limit_in_bytes': '536870912\n',
      '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712\n',
      '/sys/fs/cgroup/unified/user.slice/memory.max': 'max\n'
    }))
    expect(limit).toEqual({ bytes: 536870912, source: 'cgroup v1', file: '/sys/fs/cgroup/memory/api/memory.limit_in_bytes' })
  })

  it('reads a v2 limit, with the container\'s cgroup mounted as the root', () => {
    const read = files({
      '/proc/self/cgroup': '0::/\n',
      '/proc/self/mountinfo': '30 20 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw',
      '/sys/fs/cgroup/memory.max': '268435456\n'
    })
    expect(readCgroupLimit(read)).toMatchObject({ bytes: 268435456, source: 'cgroup v2' })
    const nested = files({
      '/proc/self/cgroup': '0::/kubepods/pod1/c1\n',
      '/proc/self/mountinfo': '30 20 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw',
      '/sys/fs/cgroup/c1/memory.max': '400000000\n'
    })
    expect(readCgroupLimit(nested)).toMatchObject({ bytes: 400000000, file: '/sys/fs/cgroup/c1/memory.max' })
  })

  it('falls back to the setting without a limit', () => {
    const read = files({ '/proc/self/cgroup': '0::/\n', '/proc/self/mountinfo': '30 20 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw', '/sys/fs/cgroup/memory.max': 'max\n' })
    expect(readCgroupLimit(read)).toBeNull()
    expect(findMemoryLimit(512, read)).toEqual({ bytes: 512 * 1024 * 1024, source: 'MEMORY_LIMIT_MB' })
    expect(findMemoryLimit(300, files({}))).toMatchObject({ bytes: 300 * 1024 * 1024 })
  })
})
