// @ts-check
/**
 * The progress card: the browser's upload meter, the job's progress bar, the current message
 * (announced politely to screen readers), each stage with its state and duration, the
 * connection state, and how the job ended with what to do next.
 */
import { byId, h, replaceChildren } from './dom.js'
import { formatBytes, formatDuration, humanize } from './format.js'

/** @typedef {import('./job-state.js').JobView} JobView */
/** @typedef {import('./job-state.js').StageView} StageView */
/** @typedef {import('./job-stream.js').ConnectionState} ConnectionState */
/** @typedef {{ label: string, onSelect: () => void, primary?: boolean }} OutcomeAction */
/** @typedef {{ tone: 'error' | 'warning' | 'info', title: string, message: string, advice: string, actions: OutcomeAction[] }} Outcome */

/** @type {Record<StageView['status'], string>} */
const stageStateText = {
  pending: 'Waiting',
  running: 'Running',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted'
}

/**
 * Whether two sentences say the same, ignoring case and the final full stop.
 * @param {string} a
 * @param {string} b
 */
const sameWords = (a, b) => a.trim().replace(/\.$/, '').toLowerCase() === b.trim().replace(/\.$/, '').toLowerCase()

/**
 * @param {HTMLElement} bar a `role="progressbar"` element with a `.meter__fill` child
 * @param {number} percent
 * @param {string} [valueText]
 */
function setMeter (bar, percent, valueText) {
  const value = Math.round(Math.min(100, Math.max(0, percent)))
  bar.setAttribute('aria-valuenow', String(value))
  if (valueText) bar.setAttribute('aria-valuetext', valueText)
  const fill = bar.querySelector('.meter__fill')
  // CSSOM, not a style attribute: allowed under a CSP without 'unsafe-inline'.
  if (fill instanceof HTMLElement) fill.style.transform = `scaleX(${value / 100})`
}

/**
 * "Running · 3.2 s"; a finished stage shows only its duration, its marker says it is done.
 * @param {StageView['status']} status
 * @param {string} timing
 */
function stageState (status, timing) {
  if (!timing) return stageStateText[status]
  return status === 'completed' ? timing : `${stageStateText[status]} · ${timing}`
}

/**
 * @param {StageView} stage
 * @param {number} now
 */
function stageTiming (stage, now) {
  if (!stage.startedAt) return ''
  const started = Date.parse(stage.startedAt)
  const ended = stage.finishedAt ? Date.parse(stage.finishedAt) : now
  return formatDuration(ended - started)
}

export function createProgressView () {
  const uploadMeter = byId('upload-meter', HTMLElement)
  const uploadBar = byId('upload-bar', HTMLElement)
  const uploadFigure = byId('upload-meter-figure', HTMLElement)
  const uploadLabel = byId('upload-meter-label', HTMLElement)
  const progressBar = byId('progress-bar', HTMLElement)
  const progressFigure = byId('progress-figure', HTMLElement)
  const message = byId('progress-message', HTMLElement)
  const stageList = byId('stage-list', HTMLOListElement)
  const connection = byId('connection-status', HTMLElement)
  const outcome = byId('outcome', HTMLElement)
  const card = byId('progress-card', HTMLElement)

  /** @type {JobView | null} */
  let current = null
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let ticker

  const renderStages = () => {
    if (!current) return
    const now = Date.now()
    replaceChildren(stageList, current.stages.map((stage, index) => {
      const name = stage.title ?? (stage.name ? humanize(stage.name) : `Stage ${index + 1}`)
      const timing = stageTiming(stage, now)
      return h('li', { class: `stage stage--${stage.status}`, 'aria-current': stage.status === 'running' ? 'step' : null }, [
        h('span', { class: 'stage__marker', 'aria-hidden': 'true' }),
        h('span', { class: 'stage__name', text: name }),
        h('span', { class: 'stage__state', text: stageState(stage.status, timing) })
      ])
    }))
    const running = current.stages.some(stage => stage.status === 'running')
    if (running && ticker === undefined) ticker = setInterval(renderStages, 1000)
    if (!running && ticker !== undefined) {
      clearInterval(ticker)
      ticker = undefined
    }
  }

  /** @param {string | null} text a short status line above the bars, or null to hide it */
  const setNotice = (text) => {
    connection.hidden = text === null
    connection.textContent = text ?? ''
  }

  return {
    reset () {
      current = null
      clearInterval(ticker)
      ticker = undefined
      uploadMeter.hidden = true
      setMeter(uploadBar, 0)
      setMeter(progressBar, 0, '0%')
      progressFigure.textContent = '0%'
      message.textContent = ''
      replaceChildren(stageList, [])
      connection.hidden = true
      card.classList.remove('progress--done', 'progress--ended')
      outcome.hidden = true
      replaceChildren(outcome, [])
    },

    /**
     * @param {number} loaded
     * @param {number} total
     */
    setUpload (loaded, total) {
      uploadMeter.hidden = false
      const percent = total > 0 ? (loaded / total) * 100 : 0
      const done = loaded >= total
      uploadLabel.textContent = done ? 'Uploaded' : 'Uploading'
      uploadFigure.textContent = `${formatBytes(loaded)} of ${formatBytes(total)}`
      setMeter(uploadBar, percent, `${Math.round(percent)}% uploaded`)
    },

    /** @param {JobView} view */
    render (view) {
      current = view
      const percent = Math.round(view.percent)
      const text = view.message ? `${percent}% · ${view.message}` : `${percent}%`
      setMeter(progressBar, percent, text)
      progressFigure.textContent = `${percent}%`
      progressBar.classList.toggle('meter--done', view.status === 'completed')
      progressBar.classList.toggle('meter--stopped', ['failed', 'cancelled', 'interrupted'].includes(view.status))
      card.classList.toggle('progress--done', view.status === 'completed')
      card.classList.toggle('progress--ended', ['failed', 'cancelled', 'interrupted'].includes(view.status))
      if (message.textContent !== view.message) message.textContent = view.message
      renderStages()
    },

    /** @param {ConnectionState} state */
    setConnection (state) {
      setNotice(state === 'reconnecting' ? 'Connection lost — reconnecting…' : null)
    },

    setNotice,

    /** @param {Outcome | null} result */
    showOutcome (result) {
      outcome.hidden = result === null
      if (!result) return replaceChildren(outcome, [])
      outcome.className = `outcome outcome--${result.tone}`
      outcome.setAttribute('role', result.tone === 'error' ? 'alert' : 'status')
      const buttons = result.actions.map(action => {
        const button = h('button', { type: 'button', class: action.primary ? 'button button--primary' : 'button', text: action.label })
        button.addEventListener('click', action.onSelect)
        return button
      })
      replaceChildren(outcome, [
        h('p', { class: 'outcome__title', text: result.title }),
        sameWords(result.message, result.title) ? null : h('p', { class: 'outcome__message', text: result.message }),
        result.advice ? h('p', { class: 'outcome__advice', text: result.advice }) : null,
        buttons.length ? h('div', { class: 'outcome__actions' }, buttons) : null
      ])
    }
  }
}
