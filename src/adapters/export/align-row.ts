/** Lines a row up under an existing header, adding the columns the header lacks at its end. */

export function alignRow (existingHeader: readonly string[], cells: ReadonlyArray<readonly [string, string]>): { header: string[], row: string[], headerChanged: boolean } {
  const header = [...existingHeader]
  for (const [column] of cells) {
    if (!header.includes(column)) header.push(column)
  }
  const values = new Map(cells)
  return {
    header,
    row: header.map(column => values.get(column) ?? ''),
    headerChanged: header.length !== existingHeader.length
  }
}
