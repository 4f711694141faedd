// web/sse.js's parser, in Node: events split anywhere across network chunks.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SseParser } from '../../web/sse.js'

function parse(chunks) {
  const events = []
  const parser = new SseParser((event) => events.push(event))
  for (const chunk of chunks) parser.push(chunk)
  parser.end()
  return events
}

// Every way of cutting `text` in two, and one character at a time.
function everySplit(text) {
  const ways = [[...text]]
  for (let i = 0; i <= text.length; i++) ways.push([text.slice(0, i), '', text.slice(i)])
  return ways
}

const stream =
  ': keep-alive\n\n' +
  'id: "e1"\ndata: {"success":true,"summary":{"total_pending":3}}\n\n' +
  ': keep-alive\n\n' +
  'event: error\ndata: {"code":"57014","message":"canceling statement due to statement timeout"}\n\n' +
  'id: "e2"\ndata: {"a":1}\n\n'

const expected = [
  { type: 'message', data: '{"success":true,"summary":{"total_pending":3}}', lastEventId: '"e1"' },
  {
    type: 'error',
    data: '{"code":"57014","message":"canceling statement due to statement timeout"}',
    lastEventId: '"e1"',
  },
  { type: 'message', data: '{"a":1}', lastEventId: '"e2"' },
]

test('the gateway\'s events, however the network cuts them', () => {
  for (const chunks of everySplit(stream)) assert.deepEqual(parse(chunks), expected, JSON.stringify(chunks))
})

test('CRLF, CR and LF line ends, a CRLF split across chunks', () => {
  for (const eol of ['\r\n', '\r', '\n']) {
    const text = stream.replaceAll('\n', eol)
    for (const chunks of everySplit(text)) assert.deepEqual(parse(chunks), expected, JSON.stringify(chunks))
  }
})

test('multi-line data, a field without a space, a byte order mark, unknown fields', () => {
  const events = parse(['\ufeffdata:one\ndata: two\nfoo: bar\nretry: 1500\nid\n\n'])
  assert.deepEqual(events, [{ type: 'message', data: 'one\ntwo', lastEventId: '' }])
})

test('an event cut off by the end of the stream is dropped; an empty one is not dispatched', () => {
  assert.deepEqual(parse(['event: error\n\n', 'id: "x"\ndata: {"half":']), [])
})

test('the retry advice is kept', () => {
  const parser = new SseParser(() => {})
  parser.push('retry: 2500\n\n')
  assert.equal(parser.retry, 2500)
})
