/**
 * Month names as they are printed on documents in the languages the service meets most
 * (English, Dutch, French, German, Spanish), full and abbreviated, mapped to 1–12.
 */
const MONTHS: ReadonlyArray<readonly string[]> = [
  ['january', 'jan', 'januari', 'janvier', 'janv', 'januar', 'jän', 'enero', 'ene'],
  ['february', 'feb', 'februari', 'février', 'fevrier', 'févr', 'fevr', 'februar', 'febrero'],
  ['march', 'mar', 'maart', 'mrt', 'mars', 'märz', 'marz', 'mär', 'marzo'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr'],
  ['may', 'mei', 'mai', 'mayo'],
  ['june', 'jun', 'juni', 'juin', 'junio'],
  ['july', 'jul', 'juli', 'juillet', 'juil', 'julio'],
  ['august', 'aug', 'augustus', 'août', 'aout', 'agosto', 'ago'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre'],
  ['november', 'nov', 'novembre', 'noviembre'],
  ['december', 'dec', 'december', 'décembre', 'decembre', 'déc', 'dezember', 'dez', 'diciembre', 'dic']
]

const monthByName = new Map<string, number>()
MONTHS.forEach((names, index) => names.forEach(name => monthByName.set(name, index + 1)))

/** Alternation for a regular expression, longest names first so `sept` wins over `sep`. */
export const MONTH_NAME_PATTERN = [...monthByName.keys()].sort((a, b) => b.length - a.length).join('|')

export function monthNumber (name: string): number | undefined {
  return monthByName.get(name.toLowerCase().replace(/\.$/, ''))
}
