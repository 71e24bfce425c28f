/**
 * The report's fonts, colours and page geometry. The font is Noto Sans JP from an npm package
 * (TrueType outlines, so pdfkit subsets it cleanly): it covers Latin, Greek, Cyrillic, kana and
 * kanji, so names such as `Süd` or `東京` print as written.
 */
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)

export const FONT_REGULAR = require.resolve('@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf')
export const FONT_BOLD = require.resolve('@expo-google-fonts/noto-sans-jp/700Bold/NotoSansJP_700Bold.ttf')

export const COLORS = {
  ink: '#1f2937',
  muted: '#6b7280',
  rule: '#d1d5db',
  grid: '#eef0f3',
  panel: '#f5f7fa',
  history: '#1f3a5f',
  forecast: '#d9622b',
  band: '#f6c9ad',
  anomaly: '#c0392b',
  change: '#7c8796',
  accent: '#2a7f8f'
} as const

export const PAGE = { size: 'A4' as const, margin: 48 }
