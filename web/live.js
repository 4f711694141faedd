// One document kept live: callboard-gateway answers a GET with
// "Accept: text/event-stream" with the document now, then the document again
// each time its bytes change (see docs/live-dashboards.md, "Event streams").
//
// A LiveDocument reconnects by itself:
// - the gateway ends every stream at its access token's exp: reconnect at
//   once with the current (already renewed) token;
// - 401 (token expired or invalid): renew the token, reconnect;
// - gateway unreachable, 5xx, a stream silent for longer than two keep-alive
//   periods, or one that ends within a second: wait 0.5 s, 1 s, 2 s, ... up
//   to 30 s (with jitter, so many pages do not come back in step), and try
//   again; window.online and retryNow() cut the wait short.
// Each reconnect sends Last-Event-ID: the gateway then skips a first event
// whose document the page already shows.

import { HttpError, readEventStream } from './sse.js'
import { SessionExpired } from './session.js'

const SILENCE_MS = 45_000 // the gateway sends ": keep-alive" every 20 s (callboard-live-keepalive)
const MIN_HEALTHY_MS = 1000

export function backoffDelay(failures) {
  if (failures === 0) return 0
  const base = Math.min(30_000, 500 * 2 ** (failures - 1))
  return Math.round(base * (0.8 + 0.4 * Math.random()))
}

export class LiveDocument {
  // state: "connecting" (never opened yet), "live", "reconnecting", "stopped".
  // onDocument(document, id), onServerError(errorJson): an "event: error"
  // (the gateway could not refresh the document; the stream goes on),
  // onState(liveDocument), onRefused(HttpError): the gateway refused the
  // stream other than for the token (403, 404, ...).
  constructor(url, session, { onDocument, onServerError, onState, onRefused }) {
    this.url = url
    this.session = session
    this.handlers = { onDocument, onServerError, onState, onRefused }
    this.state = 'stopped'
    this.failures = 0
    this.lastEventId = ''
    this.everOpened = false
    this.controller = null
    this.wake = null
    this.run = 0 // each start() runs its own loop; a stopped one ends at its next step
  }

  start() {
    if (this.state !== 'stopped') return
    this.#setState(this.everOpened ? 'reconnecting' : 'connecting')
    this.#run(++this.run)
  }

  stop() {
    this.#setState('stopped')
    this.controller?.abort()
    this.wake?.()
  }

  // Skip the rest of a back-off wait (the network came back, say).
  retryNow() {
    this.wake?.()
  }

  #setState(state) {
    if (this.state === state) return
    this.state = state
    this.handlers.onState?.(this)
  }

  async #run(run) {
    const running = () => this.state !== 'stopped' && this.run === run
    while (running()) {
      const token = this.session.accessToken()
      if (token === null) return this.stop()
      const controller = (this.controller = new AbortController())
      const opened = performance.now()
      let watchdog = 0
      const feed = () => {
        clearTimeout(watchdog)
        watchdog = setTimeout(() => controller.abort(new Error('stream silent')), SILENCE_MS)
      }
      const headers = { Authorization: `Bearer ${token}` }
      if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId
      let failed = false
      try {
        feed()
        await readEventStream(this.url, {
          headers,
          signal: controller.signal,
          onChunk: feed,
          onOpen: () => {
            this.everOpened = true
            this.#setState('live')
          },
          onEvent: (event) => this.#event(event),
        })
        // Ended by the server: the token's exp, or the gateway stopping.
        // One that ends at once (a token at its exp) waits like a failure.
        failed = performance.now() - opened < MIN_HEALTHY_MS
        if (!failed) this.failures = 0
      } catch (error) {
        if (!running()) return
        if (error instanceof HttpError && error.status === 401) {
          if (token === this.session.accessToken()) {
            try {
              await this.session.refresh()
            } catch (refreshError) {
              if (refreshError instanceof SessionExpired) return this.stop()
              failed = true // gateway away: back off
            }
          }
          // else: renewed meanwhile; reconnect at once with the new token
        } else {
          failed = true
          if (error instanceof HttpError && error.status < 500) this.handlers.onRefused?.(error)
        }
      } finally {
        clearTimeout(watchdog)
      }
      if (!running()) return
      if (failed) this.failures++
      this.#setState('reconnecting')
      if (failed) this.handlers.onState?.(this) // failures counts toward "offline"
      await this.#sleep(backoffDelay(this.failures))
    }
  }

  #event(event) {
    if (event.type === 'message') {
      this.lastEventId = event.lastEventId
      this.failures = 0
      this.handlers.onDocument?.(JSON.parse(event.data), event.lastEventId)
    } else if (event.type === 'error') {
      let body = null
      try {
        body = JSON.parse(event.data)
      } catch {
        body = { message: event.data }
      }
      this.handlers.onServerError?.(body)
    }
  }

  #sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = () => {
        this.wake = null
        done()
      }
    })
  }
}
