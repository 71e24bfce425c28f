/**
 * Where a local adapter put a file, as reported in results: relative to DATA_DIR, with `/`
 * separators (`archive/<job>/<file>`, `exports/submissions.csv`). Results reach clients, and an
 * absolute server path would tell them how the host is laid out.
 */
import { relative, sep } from 'node:path'

export const dataDirRelative = (dataDir: string, path: string): string => relative(dataDir, path).split(sep).join('/')
