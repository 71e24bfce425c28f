/** The report benchmarks' two-column table; sections are written by `support/report.ts`. */
export function table (rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([name]) => name.length))
  return ['| what | value |', '|---|---|', ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value} |`)].join('\n')
}
