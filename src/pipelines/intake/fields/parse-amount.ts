/**
 * Reads a printed number the way people write money: `1,234.56`, `1.234,56`, `1 234,56`,
 * `1'234.56`, `1234,5`. The last `.` or `,` followed by one or two digits is the decimal mark;
 * separators followed by groups of three digits are thousands separators.
 */

export function parseAmount (printed: string): number | null {
  const text = printed.replace(/[\s\u00A0\u202F']/g, '')
  const negative = /^[-−–]/.test(text)
  const digits = text.replace(/^[-−–+]/, '')
  if (!/^\d[\d.,]*$/.test(digits)) return null
  const decimal = /[.,](\d{1,2})$/.exec(digits)
  const integerPart = decimal ? digits.slice(0, decimal.index) : digits
  const groups = integerPart.split(/[.,]/)
  const [head, ...rest] = groups
  if (!head || head.length === 0 || rest.some(group => group.length !== 3)) return null
  if (rest.length > 0 && head.length > 3) return null
  // One kind of thousands separator only, and not the decimal mark.
  const separators = new Set(integerPart.match(/[.,]/g) ?? [])
  if (separators.size > 1) return null
  if (decimal && separators.has(digits[decimal.index] ?? '')) return null
  const value = Number(groups.join('') + (decimal ? `.${decimal[1]}` : ''))
  return Number.isFinite(value) ? (negative ? -value : value) : null
}
