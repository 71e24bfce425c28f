/**
 * Generates samples/sales.csv, the README walkthrough's input: three years of daily orders
 * exported the way real systems do it — day-first dates, money with currency symbols and
 * thousands separators, accounting negatives for returns, regions named Süd and 東京, and a
 * few damaged rows. Seeded, so the file is the same on every run.
 *
 *   node samples/generate-sales.ts [output] [rows-per-day-scale]
 */
import { createWriteStream } from 'node:fs'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'

export const REGIONS = [['Nord', 1.0], ['Süd', 1.3], ['West', 0.9], ['Ost', 0.6], ['東京', 0.8]] as const
export const DEPARTMENTS = [['Hardware', 420], ['Software', 260], ['Services', 900], ['Training', 150]] as const

/** Mulberry32: a tiny seeded generator, so samples and benchmarks are reproducible. */
export function seededRandom (seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const money = (value: number) => {
  const text = `$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
  return value < 0 ? `"(${text})"` : `"${text}"`
}

export async function generateSales (path: string, ordersPerDay = 14, seed = 2024): Promise<number> {
  const random = seededRandom(seed)
  const out = createWriteStream(path)
  out.write('Order ID,Order Date,Region,Department,Units,Revenue,Cost\n')
  let id = 100000
  const start = Date.UTC(2022, 0, 1)
  const days = 3 * 365 + 1
  for (let d = 0; d < days; d++) {
    const date = new Date(start + d * 86_400_000)
    const month = date.getUTCMonth()
    // Yearly season (strong Q4, summer dip), growth of ~15% a year, quieter weekends.
    const season = 1 + 0.25 * Math.sin((2 * Math.PI * (month - 8)) / 12) + (month === 11 ? 0.35 : 0)
    const trend = 1 + 0.15 * (d / 365)
    const weekend = [0, 6].includes(date.getUTCDay()) ? 0.55 : 1
    const orders = Math.round(ordersPerDay * weekend * (0.8 + 0.4 * random()))
    const day = `${String(date.getUTCDate()).padStart(2, '0')}/${String(month + 1).padStart(2, '0')}/${date.getUTCFullYear()}`
    for (let o = 0; o < orders; o++) {
      const [region, regionWeight] = REGIONS[Math.floor(random() * REGIONS.length)] ?? REGIONS[0]
      const [department, price] = DEPARTMENTS[Math.floor(random() * DEPARTMENTS.length)] ?? DEPARTMENTS[0]
      const units = 1 + Math.floor(random() * 6 * regionWeight)
      const returned = random() < 0.01
      const revenue = (returned ? -1 : 1) * units * price * season * trend * (0.85 + 0.3 * random())
      const cost = revenue * (0.55 + 0.1 * random())
      let line = `${id++},${day},${region},${department},${units},${money(revenue)},${money(cost)}`
      const damage = random()
      if (damage < 0.0004) line = `${id},${day},${region},${department},${units}` // cut short by an export glitch
      else if (damage < 0.0007) line = `${id},31/02/${date.getUTCFullYear()},${region},${department},${units},${money(revenue)},${money(cost)}`
      out.write(`${line}\n`)
    }
  }
  out.end()
  await finished(out)
  return id - 100000
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const output = process.argv[2] ?? fileURLToPath(new URL('./sales.csv', import.meta.url))
  const rows = await generateSales(output, Number(process.argv[3] ?? 14))
  console.log(`wrote ${rows} rows to ${output}`)
}
