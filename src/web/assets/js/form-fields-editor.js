// @ts-check
/**
 * The intake form's own fields (name and value pairs), which the intake pipeline writes to the
 * exported row. Each row has visible labels and its own remove button, so it works by keyboard
 * and screen reader alike.
 */
import { byId, h } from './dom.js'

/** Names the upload itself uses, which a form field cannot take. */
const RESERVED = new Set(['file', 'pipeline'])

export function createFormFieldsEditor () {
  const list = byId('form-fields', HTMLOListElement)
  const addButton = byId('add-form-field', HTMLButtonElement)
  let counter = 0

  const addRow = () => {
    counter++
    const nameId = `form-field-name-${counter}`
    const valueId = `form-field-value-${counter}`
    const name = h('input', { id: nameId, class: 'input', type: 'text', autocomplete: 'off', spellcheck: 'false' })
    const remove = h('button', { class: 'button button--small', type: 'button', text: 'Remove', 'aria-label': `Remove form field ${counter}` })
    const row = h('li', { class: 'form-fields__row' }, [
      h('div', { class: 'field' }, [h('label', { class: 'field__label', for: nameId, text: 'Field name' }), name]),
      h('div', { class: 'field' }, [h('label', { class: 'field__label', for: valueId, text: 'Value' }), h('input', { id: valueId, class: 'input', type: 'text', autocomplete: 'off' })]),
      remove
    ])
    remove.addEventListener('click', () => {
      row.remove()
      addButton.focus()
    })
    list.append(row)
    return name
  }

  addButton.addEventListener('click', () => addRow().focus())

  return {
    /**
     * The fields with a name, or a message saying which one to fix.
     * @returns {{ fields: Record<string, string> } | { error: string, focus: HTMLElement }}
     */
    read () {
      /** @type {Record<string, string>} */
      const fields = {}
      for (const row of list.querySelectorAll('li')) {
        const [nameInput, valueInput] = row.querySelectorAll('input')
        if (!nameInput || !valueInput) continue
        const name = nameInput.value.trim()
        const value = valueInput.value
        if (!name && !value.trim()) continue
        if (!name) return { error: 'A form field has a value but no name. Name it, or remove it.', focus: nameInput }
        if (RESERVED.has(name.toLowerCase())) return { error: `“${name}” is used by the upload itself; choose another field name.`, focus: nameInput }
        if (name in fields) return { error: `Two form fields are named “${name}”; each name can be used once.`, focus: nameInput }
        fields[name] = value
      }
      return { fields }
    }
  }
}
