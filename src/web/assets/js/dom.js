// @ts-check
/**
 * Small DOM helpers. Every node is built with createElement and textContent, never innerHTML,
 * so text from an upload or the server can never turn into markup, and no inline style or
 * handler ever appears (the page runs under a strict Content-Security-Policy).
 */

/** @typedef {string | number | boolean | null | undefined} AttributeValue */
/** @typedef {Node | string | null | undefined | false} Child */

/**
 * Creates an element. `class` sets the class list, `text` the text content; `true` makes an
 * empty attribute, and `null`/`undefined`/`false` leave it out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, AttributeValue>} [attributes]
 * @param {Array<Child | Child[]>} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h (tag, attributes = {}, children = []) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue
    if (name === 'text') element.textContent = String(value)
    else if (name === 'class') element.className = String(value)
    else element.setAttribute(name, value === true ? '' : String(value))
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child)
  }
  return element
}

/**
 * The element with this id, checked to be of the expected kind, so a renamed element fails
 * loudly at start-up instead of silently later.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} kind
 * @returns {T}
 */
export function byId (id, kind) {
  const element = document.getElementById(id)
  if (!(element instanceof kind)) throw new Error(`The page has no ${kind.name} with id "${id}".`)
  return element
}

/**
 * Replaces an element's content.
 * @param {Element} element
 * @param {Array<Child | Child[]>} children
 */
export function replaceChildren (element, children) {
  element.replaceChildren(...children.flat().filter(child => child !== null && child !== undefined && child !== false))
}
