// @ts-check
/**
 * The upload form: file input and drop zone, the pipeline inferred from the file (and its
 * override), and the report's optional overrides behind the "Advanced options" toggle.
 * It only gathers and checks what the user chose; main.js starts the job.
 */
import { byId, h, replaceChildren } from './dom.js'
import { formatBytes, pipelineLabel } from './format.js'
import { createFormFieldsEditor } from './form-fields-editor.js'

/** @typedef {{ files: File[], pipeline: string | null, effectivePipeline: string | null, fields: Record<string, string> }} UploadRequest */

const REPORT_FIELDS = ['dateColumn', 'regionColumn', 'departmentColumn', 'measures', 'period', 'horizon']

/**
 * The pipeline the server will infer for a file, from its name and the type the browser reports.
 * @param {File} file
 * @returns {string | null}
 */
export function inferPipeline (file) {
  const extension = file.name.toLowerCase().split('.').pop() ?? ''
  if (['csv', 'tsv'].includes(extension) || ['text/csv', 'text/tab-separated-values'].includes(file.type)) return 'report'
  if (['pdf', 'png', 'jpg', 'jpeg', 'tif', 'tiff'].includes(extension) || file.type === 'application/pdf' || file.type.startsWith('image/')) return 'intake'
  return null
}

/** @param {{ onSubmit: (request: UploadRequest) => void }} handlers */
export function createUploadView ({ onSubmit }) {
  const form = byId('upload-form', HTMLFormElement)
  const input = byId('file-input', HTMLInputElement)
  const dropzone = byId('dropzone', HTMLLabelElement)
  const fileList = byId('file-list', HTMLUListElement)
  const pipelineSelect = byId('pipeline-select', HTMLSelectElement)
  const pipelineHint = byId('pipeline-hint', HTMLElement)
  const reportOptions = byId('report-options', HTMLElement)
  const intakeOptions = byId('intake-options', HTMLElement)
  const errorBox = byId('upload-error', HTMLElement)
  const formFields = createFormFieldsEditor()

  /** @type {File[]} */
  let files = []

  const inferred = () => {
    const kinds = new Set(files.map(inferPipeline))
    return kinds.size === 1 ? [...kinds][0] ?? null : null
  }
  const effectivePipeline = () => pipelineSelect.value || inferred()

  const render = () => {
    fileList.hidden = files.length === 0
    replaceChildren(fileList, files.map(file => h('li', { class: 'file-list__item' }, [
      h('span', { class: 'file-list__name', text: file.name }),
      h('span', { class: 'file-list__size', text: formatBytes(file.size) })
    ])))
    const detected = inferred()
    if (files.length === 0) pipelineHint.textContent = 'Choose a file and stagecast picks the pipeline; you can override it here.'
    else if (detected) pipelineHint.textContent = `Detected: ${pipelineLabel(detected)}.`
    else pipelineHint.textContent = 'The type of this file is not recognised here; the server will check its content.'
    const pipeline = effectivePipeline()
    reportOptions.hidden = pipeline === 'intake'
    intakeOptions.hidden = pipeline !== 'intake'
  }

  /** @param {string} message */
  const showError = (message) => {
    errorBox.textContent = message
    errorBox.hidden = false
  }
  const clearError = () => {
    errorBox.hidden = true
    errorBox.textContent = ''
  }

  /** @param {File[]} chosen */
  const setFiles = (chosen) => {
    files = chosen
    clearError()
    render()
  }

  input.addEventListener('change', () => setFiles([...(input.files ?? [])]))
  pipelineSelect.addEventListener('change', render)

  for (const type of ['dragenter', 'dragover']) {
    dropzone.addEventListener(type, (event) => {
      event.preventDefault()
      dropzone.classList.add('dropzone--active')
    })
  }
  for (const type of ['dragleave', 'dragend', 'drop']) dropzone.addEventListener(type, () => dropzone.classList.remove('dropzone--active'))
  dropzone.addEventListener('drop', (event) => {
    event.preventDefault()
    const dropped = event.dataTransfer?.files
    if (!dropped || dropped.length === 0) return
    input.files = dropped
    setFiles([...dropped])
  })

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    if (files.length === 0) {
      showError('Choose a file first: a CSV or TSV for a forecast report, or a PDF or image for document intake.')
      input.focus()
      return
    }
    const pipeline = effectivePipeline()
    if (pipeline === 'report' && files.length > 1) {
      showError('A forecast report reads one CSV or TSV file. Choose a single file.')
      return
    }
    const horizon = byId('horizon', HTMLInputElement)
    if (horizon.value && !horizon.checkValidity()) {
      showError('The forecast horizon must be a whole number of periods, 1 or more.')
      horizon.focus()
      return
    }
    /** @type {Record<string, string>} */
    let fields = {}
    if (pipeline === 'intake') {
      const read = formFields.read()
      if ('error' in read) {
        showError(read.error)
        read.focus.focus()
        return
      }
      fields = read.fields
    } else {
      const data = new FormData(form)
      for (const name of REPORT_FIELDS) {
        const value = String(data.get(name) ?? '').trim()
        if (value) fields[name] = value
      }
    }
    clearError()
    onSubmit({ files, pipeline: pipelineSelect.value || null, effectivePipeline: pipeline, fields })
  })

  render()
  return { showError, clearError }
}
