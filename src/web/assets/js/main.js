// @ts-check
/**
 * The page's entry point: wires the views together and routes by the URL's hash —
 * `#/` for a new upload, `#/jobs/{id}` for one job — so a reload, the back button or a
 * link from the recent-jobs list reopens the same job.
 */
import { byId } from './dom.js'
import { createJobPage } from './job-page.js'
import { createProgressView } from './progress-view.js'
import { createRecentJobs } from './recent-jobs.js'
import { createUploadView } from './upload-view.js'

const JOB_ROUTE = /^#\/jobs\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i

const recent = createRecentJobs()
const uploadPanel = byId('upload-panel', HTMLElement)
const uploadHeading = byId('upload-heading', HTMLElement)
uploadHeading.tabIndex = -1

const goHome = () => {
  if (location.hash === '#/' || location.hash === '') route()
  else location.hash = '#/'
}

const upload = createUploadView({
  onSubmit: (request) => {
    uploadPanel.hidden = true
    jobs.startUpload(request)
  }
})

const jobs = createJobPage({
  progress: createProgressView(),
  onUploadRejected: (message) => {
    if (JOB_ROUTE.test(location.hash)) history.replaceState(null, '', '#/')
    recent.setActive(null)
    uploadPanel.hidden = false
    upload.showError(message)
  },
  onJobListChanged: () => { recent.refresh() },
  onJobProgress: (id, status, percent) => recent.showLive(id, status, percent),
  goHome
})

/** @param {{ initial?: boolean }} [options] */
function route ({ initial = false } = {}) {
  const match = JOB_ROUTE.exec(location.hash)
  const id = match?.[1]?.toLowerCase() ?? null
  recent.setActive(id)
  if (id) {
    uploadPanel.hidden = true
    if (jobs.currentId() !== id) jobs.open(id)
    return
  }
  jobs.leave()
  uploadPanel.hidden = false
  upload.clearError()
  // Moving focus tells keyboard and screen-reader users the view changed; not on first load.
  if (!initial) uploadHeading.focus()
}

window.addEventListener('hashchange', () => route())
window.addEventListener('popstate', () => route())
route({ initial: true })
recent.refresh()
