/**
 * Runs async tasks one after another, in call order: a lock per resource within this process
 * (the CSV file, the sheet's header row, the page-reading and OCR phases of intake jobs).
 */
export function createSerialQueue () {
  let tail: Promise<unknown> = Promise.resolve()
  return function run<T> (task: () => Promise<T>): Promise<T> {
    const result = tail.then(task)
    tail = result.catch(() => undefined)
    return result
  }
}
