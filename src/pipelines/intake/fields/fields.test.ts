import { describe, expect, it } from 'vitest'
import { findEmails } from './emails.ts'
import { findIbans } from './ibans.ts'
import { findIdentifiers } from './identifiers.ts'
import { extractFields } from './index.ts'
import { findPhones } from './phones.ts'

const pages = (text: string) => [{ number: 1, text }]

describe('findEmails', () => {
  it('finds addresses once, lower-casing the domain', () => {
    expect(findEmails(pages('Mail Jane.Doe@Example.COM or jane.doe@example.com; billing: ap+2024@acme-corp.co.uk.')))
      .toEqual([{ value: 'Jane.Doe@example.com', page: 1 }, { value: 'ap+2024@acme-corp.co.uk', page: 1 }])
  })

  it('joins an address that OCR split at the @', () => {
    expect(findEmails(pages('sent to finance @example.org or to ops@ example.org'))).toEqual([{ value: 'finance@example.org', page: 1 }, { value: 'ops@example.org', page: 1 }])
  })

  it('ignores things that only contain an @', () => {
    expect(findEmails(pages('user@localhost, @handle, a@b'))).toEqual([])
  })
})

describe('findPhones', () => {
  it('finds international numbers without a default region', () => {
    expect(findPhones(pages('Call +31 20 123 4567 or +1 (415) 555-2671'))).toMatchObject([
      { value: '+31201234567', country: 'NL', text: '+31 20 123 4567' },
      { value: '+14155552671', country: 'US' }
    ])
  })

  it('reads national numbers in the given region only', () => {
    expect(findPhones(pages('Tel. 020 123 4567'))).toEqual([])
    expect(findPhones(pages('Tel. 020 123 4567'), 'NL')).toMatchObject([{ value: '+31201234567' }])
  })
})

describe('findIbans', () => {
  it('finds valid IBANs printed in groups or in one run, and stops at the country length', () => {
    expect(findIbans(pages('IBAN NL91 ABNA 0417 1643 00 BIC ABNANL2A\nDE89370400440532013000'))).toMatchObject([
      { value: 'NL91ABNA0417164300', text: 'NL91 ABNA 0417 1643 00', country: 'NL' },
      { value: 'DE89370400440532013000', country: 'DE' }
    ])
  })

  it('rejects a wrong checksum', () => {
    expect(findIbans(pages('NL92 ABNA 0417 1643 00'))).toEqual([])
  })
})

describe('findIdentifiers', () => {
  it('finds invoice and account numbers with their labels in several languages', () => {
    const found = findIdentifiers(pages('Invoice no.: INV-2024-0042\nFactuurnummer: 2024/117\nCustomer ID: C-99812\nAccount number 12345678\nRechnungsnummer 4711'))
    expect(found.map(f => [f.kind, f.label, f.value])).toEqual([
      ['invoice', 'Invoice no.', 'INV-2024-0042'],
      ['invoice', 'Factuurnummer', '2024/117'],
      ['invoice', 'Rechnungsnummer', '4711'],
      ['account', 'Account number', '12345678'],
      ['customer', 'Customer ID', 'C-99812']
    ])
  })

  it('does not let a label at the end of one line swallow the next line', () => {
    expect(findIdentifiers(pages('ACME Supplies - Invoice\nInvoice no.: INV-2024-0042')).map(f => f.value)).toEqual(['INV-2024-0042'])
  })

  it('does not read labels without a number, or prose, as identifiers', () => {
    expect(findIdentifiers(pages('Invoice date: 03/20/2023\nPlease pay in order 12 days'))).toEqual([])
  })
})

describe('extractFields', () => {
  it('reports an IBAN printed as the account number once, as an IBAN', () => {
    const extracted = extractFields(pages('Account number: NL91 ABNA 0417 1643 00\nTotal due € 10,00'))
    expect(extracted.ibans).toHaveLength(1)
    expect(extracted.accountNumbers).toEqual([])
    expect(extracted.total).toMatchObject({ value: 10, currency: 'EUR' })
  })
})
