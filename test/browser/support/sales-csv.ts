/**
 * A realistic sales export for the page tests, made in the test: daily rows per region and
 * department with a yearly season and noise (seeded, so every run is the same). Its size sets
 * how long the report takes, which the restart test relies on to stop the server mid-job.
 */

export interface SalesCsvOptions {
  firstYear: number
  lastYear: number
  regions: number
  departments: number
}

/** Park–Miller: a deterministic stream of numbers in (0, 1). */
function seeded (seed: number) {
  let state = seed
  return () => {
    state = (state * 48271) % 2147483647
    return state / 2147483647
  }
}

export function salesCsv ({ firstYear, lastYear, regions, departments }: SalesCsvOptions): string {
  const random = seeded(42)
  const lines = ['date,region,department,revenue,cost,units']
  for (let day = Date.UTC(firstYear, 0, 1); day <= Date.UTC(lastYear, 11, 31); day += 86_400_000) {
    const date = new Date(day)
    const season = 1 + 0.25 * Math.sin(date.getUTCMonth() / 12 * 2 * Math.PI)
    const iso = date.toISOString().slice(0, 10)
    for (let r = 0; r < regions; r++) {
      for (let d = 0; d < departments; d++) {
        const revenue = 1000 * (1 + r / 4) * (1 + d / 3) * season * (0.8 + 0.4 * random())
        lines.push(`${iso},Region ${r + 1},Department ${d + 1},${revenue.toFixed(2)},${(revenue * 0.6).toFixed(2)},${Math.round(revenue / 37)}`)
      }
    }
  }
  return lines.join('\n') + '\n'
}
