// callboard's dashboard page: sign in, then the day's timeline above four
// columns of outbound calls, kept live by callboard-gateway's event streams.
//
//   session.js  the tokens: login, renewal before expiry, authorized GETs
//   sse.js      Server-Sent Events over fetch() (the token goes in a header)
//   live.js     one document kept live: reconnects, back-off, Last-Event-ID
//   board.js    a column: its calls, "Load more", rendering with textContent
//   timeline.js the chart of calls per hour over the last 24 hours
//
// Streams: one for the counts and the timeline together
// (/rpc/scheduled_outbound_calls_overview: the summary's counts and the
// timeline in one document, refreshed by the same changes) and one per
// visible column for its first page
// (/rpc/scheduled_outbound_calls_page?category=...&page_size=50): five in
// all.  Browsers allow six HTTP/1.1 connections per server and each stream
// holds one, so the counts and the chart share a stream, leaving one
// connection for "Load more", token renewal and the page's files.  A column
// hidden by the filter closes its stream.

import { Column, categoryLabel, formatClock } from './board.js'
import { LiveDocument } from './live.js'
import { Session } from './session.js'
import { HttpError } from './sse.js'
import { TimelineChart } from './timeline.js'

const CATEGORIES = ['pending', 'active', 'completed', 'failed']
const PAGE_SIZE = 50
const OVERVIEW_URL = '/rpc/scheduled_outbound_calls_overview' // the last 24 hours, hour by hour
const STATE_LABELS = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline, retrying',
}
// A reconnect (every token renewal ends the streams) shows only if it lasts.
const RECONNECT_NOTICE_MS = 1000
const OFFLINE_AFTER_FAILURES = 3

function pageUrl(category, size, cursor) {
  const query = new URLSearchParams({ category, page_size: String(size) })
  if (cursor) query.set('cursor', cursor)
  return `/rpc/scheduled_outbound_calls_page?${query}`
}

const byId = (id) => document.getElementById(id)
const ui = {
  loginView: byId('login-view'),
  form: byId('login-form'),
  email: byId('email'),
  password: byId('password'),
  signIn: byId('sign-in'),
  message: byId('login-message'),
  statusBar: byId('status-bar'),
  connection: byId('connection'),
  connectionText: byId('connection-text'),
  lastChange: byId('last-change'),
  logout: byId('logout'),
  boardView: byId('board-view'),
  boardTitle: byId('board-title'),
  filter: byId('filter'),
  columns: byId('columns'),
  timeline: byId('timeline'),
}

const session = new Session()
let summary = null // the counts' and the timeline's LiveDocument while signed in
const timeline = new TimelineChart(ui.timeline)
const columns = new Map() // category -> { column, live }
let filter = 'all'
let shownState = null
let noticeTimer = 0

for (const section of ui.columns.querySelectorAll('section[data-category]')) {
  const category = section.dataset.category
  const column = new Column(section, {
    pageSize: PAGE_SIZE,
    fetchPage: (cursor, size) => session.getJson(pageUrl(category, size, cursor)),
  })
  columns.set(category, { column, live: null })
}

// --- signing in and out -----------------------------------------------------

let signingIn = false
ui.form.addEventListener('submit', async (event) => {
  event.preventDefault()
  if (signingIn) return
  signingIn = true
  ui.signIn.textContent = 'Signing in…'
  ui.form.setAttribute('aria-busy', 'true')
  ui.message.textContent = ''
  try {
    await session.login(ui.email.value.trim(), ui.password.value)
    ui.password.value = ''
    showBoard()
  } catch (error) {
    // The server's own words ("No active account found with the given credentials").
    ui.message.textContent =
      error instanceof HttpError ? error.message : 'Cannot reach the server. Check the connection and try again.'
    ui.password.focus()
    ui.password.select()
  } finally {
    signingIn = false
    ui.signIn.textContent = 'Sign in'
    ui.form.removeAttribute('aria-busy')
  }
})

ui.logout.addEventListener('click', () => signOut(''))

// The refresh token was refused: expired, or the account deactivated.
session.addEventListener('end', (event) => signOut(event.detail))

function showBoard() {
  ui.loginView.hidden = true
  ui.boardView.hidden = false
  ui.statusBar.hidden = false
  ui.lastChange.textContent = '–'
  ui.lastChange.removeAttribute('datetime')
  summary = new LiveDocument(OVERVIEW_URL, session, {
    onDocument: (document) => {
      showSummary(document.summary)
      timeline.show(document.timeline)
    },
    onServerError: (error) => showStreamError(null, error),
    onRefused: (error) => showStreamError(null, error.body || error),
    onState: updateConnection,
  })
  for (const [category, entry] of columns) {
    entry.live = new LiveDocument(pageUrl(category, PAGE_SIZE), session, {
      onDocument: (document) => {
        entry.column.showPage(document)
        noteChange()
      },
      onServerError: (error) => showStreamError(entry.column, error),
      onRefused: (error) => showStreamError(entry.column, error.body || error),
      onState: updateConnection,
    })
  }
  summary.start()
  applyFilter()
  ui.boardTitle.focus()
}

function signOut(message) {
  summary?.stop()
  summary = null
  for (const entry of columns.values()) {
    entry.live?.stop()
    entry.live = null
    entry.column.reset()
  }
  session.logout()
  timeline.reset()
  for (const output of ui.filter.querySelectorAll('.filter-count')) output.textContent = ''
  clearTimeout(noticeTimer)
  shownState = null
  ui.statusBar.hidden = true
  ui.boardView.hidden = true
  ui.loginView.hidden = false
  ui.message.textContent = message
  ui.email.focus()
}

// --- what the streams bring -------------------------------------------------

function showSummary(counts) {
  if (!counts) return
  for (const [category, entry] of columns) entry.column.setTotal(counts[`total_${category}`])
  for (const output of ui.filter.querySelectorAll('.filter-count')) {
    const total = counts[`total_${output.dataset.category}`]
    output.textContent = Number.isFinite(total) ? total.toLocaleString() : ''
  }
  noteChange()
}

function showStreamError(column, error) {
  const text = `Could not refresh: ${error?.message || 'unknown error'}`
  if (column) column.showError(text)
  else for (const entry of columns.values()) entry.column.showError(text)
}

function noteChange() {
  const now = new Date()
  ui.lastChange.textContent = formatClock(now)
  ui.lastChange.dateTime = now.toISOString()
}

// --- filter ------------------------------------------------------------------

ui.filter.addEventListener('change', (event) => {
  if (event.target.name !== 'category') return
  filter = event.target.value
  applyFilter()
})

function applyFilter() {
  for (const [category, entry] of columns) {
    const visible = filter === 'all' || filter === category
    entry.column.section.hidden = !visible
    if (!entry.live) continue
    if (visible) {
      entry.live.start() // with Last-Event-ID: an unchanged page is not sent again
    } else {
      entry.live.stop()
      entry.column.dropExtra()
    }
  }
  ui.columns.classList.toggle('single', filter !== 'all')
  ui.columns.setAttribute('aria-label', filter === 'all' ? 'All categories' : `${categoryLabel(filter)} calls`)
  updateConnection()
}

// --- connection state --------------------------------------------------------

function runningStreams() {
  const all = [summary, ...[...columns.values()].map((entry) => entry.live)]
  return all.filter((live) => live && live.state !== 'stopped')
}

function currentState() {
  const streams = runningStreams()
  const failing = streams.filter((live) => live.state !== 'live' && live.failures >= OFFLINE_AFTER_FAILURES)
  if (!navigator.onLine || failing.length > 0) return 'offline'
  if (streams.some((live) => live.state === 'reconnecting')) return 'reconnecting'
  if (streams.some((live) => live.state === 'connecting')) return 'connecting'
  return 'live'
}

function updateConnection() {
  if (!summary) return
  const state = currentState()
  if (state === shownState) {
    clearTimeout(noticeTimer)
    noticeTimer = 0
    return
  }
  if (state === 'reconnecting' && shownState === 'live') {
    noticeTimer ||= setTimeout(() => {
      noticeTimer = 0
      if (summary) showState(currentState())
    }, RECONNECT_NOTICE_MS)
    return
  }
  clearTimeout(noticeTimer)
  noticeTimer = 0
  showState(state)
}

function showState(state) {
  shownState = state
  ui.connection.dataset.state = state
  ui.connectionText.textContent = STATE_LABELS[state]
}

window.addEventListener('online', () => {
  for (const live of runningStreams()) live.retryNow()
  updateConnection()
})
window.addEventListener('offline', updateConnection)

ui.email.focus()
