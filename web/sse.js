// Server-Sent Events read with fetch(), so that a request can carry an
// Authorization header (EventSource cannot send one).
//
// SseParser follows the HTML standard's "event stream interpretation"
// (https://html.spec.whatwg.org/multipage/server-sent-events.html): lines end
// in CRLF, LF or CR; "field: value" lines build an event; a blank line
// dispatches it; lines starting with ":" are comments (callboard-gateway's
// ": keep-alive").  Text arrives in arbitrary network chunks, so anything
// after the last complete line waits for the next chunk: an event, a line,
// even a CRLF pair may be split anywhere.  Nothing here touches the DOM, so
// the parser runs (and is tested) in Node as well.

export class SseParser {
  // onEvent({ type, data, lastEventId }) is called once per dispatched event.
  constructor(onEvent) {
    this.onEvent = onEvent
    this.buffer = ''
    this.skipLineFeed = false // the last chunk ended in CR: a LF first in the next one ends no line
    this.started = false
    this.type = ''
    this.data = []
    this.lastEventId = '' // kept across events, as EventSource does
    this.retry = null // the server's "retry:" advice in milliseconds, if it gave any
  }

  // Feeds decoded text (use TextDecoderStream: a UTF-8 character may be split too).
  push(text) {
    if (!this.started) {
      this.started = text.length > 0
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1) // a byte order mark at the very start
    }
    if (text === '') return
    if (this.skipLineFeed && text.startsWith('\n')) text = text.slice(1)
    this.skipLineFeed = false
    this.buffer += text
    let start = 0
    for (;;) {
      const cr = this.buffer.indexOf('\r', start)
      const lf = this.buffer.indexOf('\n', start)
      if (cr < 0 && lf < 0) break
      let end
      let next
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr
        if (cr + 1 === this.buffer.length) {
          next = cr + 1
          this.skipLineFeed = true // CR now, perhaps LF in the next chunk
        } else {
          next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1
        }
      } else {
        end = lf
        next = lf + 1
      }
      this.line(this.buffer.slice(start, end))
      start = next
    }
    this.buffer = this.buffer.slice(start)
  }

  // The stream ended: an event without its closing blank line is dropped (as the standard says).
  end() {
    this.buffer = ''
    this.type = ''
    this.data = []
  }

  line(line) {
    if (line === '') return this.dispatch()
    if (line.startsWith(':')) return // a comment
    const colon = line.indexOf(':')
    const field = colon < 0 ? line : line.slice(0, colon)
    let value = colon < 0 ? '' : line.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    switch (field) {
      case 'event':
        this.type = value
        break
      case 'data':
        this.data.push(value)
        break
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value
        break
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value)
        break
      default: // unknown fields are ignored
    }
  }

  dispatch() {
    const type = this.type || 'message'
    const data = this.data.join('\n')
    const had = this.data.length > 0
    this.type = ''
    this.data = []
    if (had) this.onEvent({ type, data, lastEventId: this.lastEventId })
  }
}

// An HTTP answer that was not the event stream (or JSON document) asked for.
// `body` is the parsed JSON error when there is one: PostgREST's
// {code, details, hint, message}, or SimpleJWT's {detail}.
export class HttpError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.detail)) || `HTTP ${status}`)
    this.name = 'HttpError'
    this.status = status
    this.body = body
  }
}

export async function errorFrom(response) {
  let body = null
  try {
    body = await response.json()
  } catch {
    // not JSON: the status says enough
  }
  return new HttpError(response.status, body)
}

// GETs `url` as an event stream and feeds every event to onEvent until the
// server ends the stream (resolves) or `signal` aborts it (rejects with an
// AbortError).  onOpen() is called once the server has accepted the request,
// onChunk() whenever bytes arrive (keep-alive comments included), for a
// watchdog.  Rejects with HttpError when the server refuses, and with a
// TypeError when it cannot be reached.  Each event carries lastEventId: what
// to send as Last-Event-ID when reconnecting.
export async function readEventStream(url, { headers = {}, signal, onOpen, onEvent, onChunk } = {}) {
  const response = await fetch(url, {
    headers: { Accept: 'text/event-stream', ...headers },
    cache: 'no-store',
    signal,
  })
  if (!response.ok) throw await errorFrom(response)
  const type = response.headers.get('Content-Type') || ''
  if (!type.startsWith('text/event-stream')) {
    response.body?.cancel()
    throw new HttpError(response.status, { message: `expected an event stream, got ${type || 'no type'}` })
  }
  onOpen?.()
  const parser = new SseParser(onEvent)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      onChunk?.()
      parser.push(value)
    }
  } finally {
    reader.releaseLock()
  }
  parser.end()
}
