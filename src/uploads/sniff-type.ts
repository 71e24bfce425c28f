/**
 * Decides what an upload is from its first bytes, not from its name or the client's claimed
 * type: binary formats by their magic numbers (file-type), delimited text by being valid text
 * whose lines share a delimiter. A `.csv` full of tabs is TSV; a PDF renamed `.csv` is a PDF.
 */
import { fileTypeFromBuffer } from 'file-type'

/** How much of the start of a file decides its type. */
export const SNIFF_BYTES = 64 * 1024
const DELIMITERS = [',', ';', '\t', '|'] as const

/** Names the MIME type of a file from its first bytes, or `application/octet-stream`. */
export async function sniffBytes (sample: Uint8Array): Promise<string> {
  const binary = await fileTypeFromBuffer(sample)
  if (binary) return binary.mime
  const text = decodeText(sample)
  if (text === undefined) return 'application/octet-stream'
  return delimitedTextType(text) ?? 'text/plain'
}

/** UTF-8 (with or without BOM) or UTF-16 with a BOM; undefined for bytes that are not text. */
function decodeText (sample: Uint8Array): string | undefined {
  if (sample.length === 0) return undefined
  const utf16 = sample[0] === 0xff && sample[1] === 0xfe ? 'utf-16le' : sample[0] === 0xfe && sample[1] === 0xff ? 'utf-16be' : undefined
  if (!utf16 && sample.includes(0)) return undefined
  try {
    // The sample may end inside a multi-byte character: `stream: true` tolerates exactly that.
    return new TextDecoder(utf16 ?? 'utf-8', { fatal: true }).decode(sample, { stream: true })
  } catch {
    // Legacy exports are often Windows-1252; accept them when they are free of control bytes.
    const controls = sample.filter(byte => byte < 0x09 || (byte > 0x0d && byte < 0x20)).length
    return controls === 0 ? new TextDecoder('windows-1252').decode(sample) : undefined
  }
}

const QUOTED = /"(?:[^"]|"")*"/g

/** A delimiter that appears on (nearly) every one of the first lines, the same number of times. */
function delimitedTextType (text: string): string | undefined {
  // Quoted values may hold delimiters (`"$3,447.75"`) and even line breaks: drop them first.
  const lines = text.replace(QUOTED, '""').split(/\r\n|\n|\r/).slice(0, 50).filter(line => line.trim() !== '')
  // The last sampled line may be cut short.
  if (lines.length > 2) lines.pop()
  if (lines.length === 0) return undefined
  let best: { delimiter: string, score: number } | undefined
  for (const delimiter of DELIMITERS) {
    const counts = lines.map(line => line.split(delimiter).length - 1)
    const header = counts[0] ?? 0
    if (header === 0) continue
    const consistent = counts.filter(count => count === header).length / counts.length
    if (consistent < 0.8) continue
    const score = header * consistent
    if (!best || score > best.score) best = { delimiter, score }
  }
  if (!best) return undefined
  return best.delimiter === '\t' ? 'text/tab-separated-values' : 'text/csv'
}
