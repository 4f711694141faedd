// callboard-gateway through PostgREST's own client, @supabase/postgrest-js:
// a dashboard logs in, then calls the function as POST and as GET.
// Run by test/gateway/harness.py, which sets GATEWAY_URL and JWT_SECRET.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { PostgrestClient } from '@supabase/postgrest-js'

const url = process.env.GATEWAY_URL
const secret = process.env.JWT_SECRET
assert.ok(url && secret, 'GATEWAY_URL and JWT_SECRET must be set (run through harness.py)')

const b64url = (s) => Buffer.from(s).toString('base64url')
function sign(claims) {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
  const body = b64url(JSON.stringify(claims))
  const sig = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')
  return `${head}.${body}.${sig}`
}

async function login() {
  const r = await fetch(`${url}/api/accounts/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'dispatcher@example.com', password: 'dispatch-2025!' }),
  })
  assert.equal(r.status, 200)
  return (await r.json()).access
}

const client = (token) =>
  new PostgrestClient(url, token ? { headers: { Authorization: `Bearer ${token}` } } : {})

function assertDocument(doc, only) {
  assert.equal(doc.success, true)
  assert.deepEqual(Object.keys(doc.calls), ['pending', 'active', 'completed', 'failed'])
  for (const category of Object.keys(doc.calls)) {
    assert.equal(doc.summary[`total_${category}`], doc.calls[category].length)
    if (only && category !== only) assert.equal(doc.calls[category].length, 0)
  }
}

test('rpc as POST returns the same document as the dashboard path', async () => {
  const token = await login()
  const { data, error, status } = await client(token).rpc('scheduled_outbound_calls', { status: 'pending' })
  assert.equal(error, null)
  assert.equal(status, 200)
  assertDocument(data, 'pending')
  assert.ok(data.calls.pending.length > 0)
  const legacy = await fetch(`${url}/api/hume-twilio/dashboard/outbound/scheduled/?status=pending`, {
    headers: { Authorization: `Bearer ${token}` },
  })
  assert.deepEqual(data, await legacy.json())
})

test('rpc with { get: true } sends GET and gets the same answer', async () => {
  const token = await login()
  const post = await client(token).rpc('scheduled_outbound_calls', {})
  const get = await client(token).rpc('scheduled_outbound_calls', {}, { get: true })
  assert.equal(get.error, null)
  assert.equal(get.status, 200)
  assertDocument(get.data)
  assert.deepEqual(get.data, post.data)
  const active = await client(token).rpc('scheduled_outbound_calls', { status: 'in_progress' }, { get: true })
  assertDocument(active.data, 'active')
})

test('an invalid filter is the PostgreSQL error, as PostgREST returns it', async () => {
  const { data, error, status } = await client(await login()).rpc('scheduled_outbound_calls', { status: 'bogus' })
  assert.equal(data, null)
  assert.equal(status, 400)
  assert.equal(error.code, '22023')
  assert.equal(error.message, 'invalid status filter "bogus"')
  assert.match(error.hint, /^Valid values are pending/)
  assert.equal(error.details, null)
})

test('anonymous calls are refused by the grants with 401', async () => {
  const { error, status } = await client(null).rpc('scheduled_outbound_calls', {}, { get: true })
  assert.equal(status, 401)
  assert.equal(error.code, '42501')
})

test('expired and forged tokens get PostgREST JWT errors', async () => {
  const now = Math.floor(Date.now() / 1000)
  const expired = await client(sign({ role: 'dashboard_user', exp: now - 3600 })).rpc('scheduled_outbound_calls', {})
  assert.equal(expired.status, 401)
  assert.equal(expired.error.code, 'PGRST303')
  assert.equal(expired.error.message, 'JWT expired')
  const forged = sign({ role: 'dashboard_user' }).slice(0, -2) + 'xx'
  const bad = await client(forged).rpc('scheduled_outbound_calls', {})
  assert.equal(bad.status, 401)
  assert.equal(bad.error.code, 'PGRST301')
})

test('unknown functions and arguments are PGRST202', async () => {
  const token = sign({ role: 'dashboard_user' })
  const fn = await client(token).rpc('no_such_function', {})
  assert.equal(fn.status, 404)
  assert.equal(fn.error.code, 'PGRST202')
  const arg = await client(token).rpc('scheduled_outbound_calls', { category: 'pending' }, { get: true })
  assert.equal(arg.status, 404)
  assert.equal(arg.error.code, 'PGRST202')
  assert.equal(arg.error.message,
    'Could not find the function api.scheduled_outbound_calls(category) in the schema cache')
})

test('the summary and a page through the same client', async () => {
  const api = client(await login())
  const summary = await api.rpc('scheduled_outbound_calls_summary', {}, { get: true })
  assert.equal(summary.status, 200)
  assert.deepEqual(Object.keys(summary.data.summary),
    ['total_pending', 'total_active', 'total_completed', 'total_failed'])
  const first = await api.rpc('scheduled_outbound_calls_page', { category: 'failed', page_size: 2 })
  assert.equal(first.status, 200)
  assert.equal(first.data.calls.length, 2)
  const second = await api.rpc('scheduled_outbound_calls_page',
    { category: 'failed', page_size: 2, cursor: first.data.next_cursor }, { get: true })
  assert.equal(second.status, 200)
  const full = await api.rpc('scheduled_outbound_calls', { status: 'failed' })
  assert.deepEqual([...first.data.calls, ...second.data.calls], full.data.calls.failed.slice(0, 4))
})

test('the timeline and the overview through rpc, POST and GET alike', async () => {
  const client_ = client(await login())
  const args = { bucket: '1 day', span: '31 days', until: '2025-10-24T12:00:00+00:00' }
  const post = await client_.rpc('scheduled_outbound_calls_timeline', args)
  const get = await client_.rpc('scheduled_outbound_calls_timeline', args, { get: true })
  assert.equal(post.error, null)
  assert.equal(get.status, 200)
  assert.deepEqual(get.data, post.data)
  const { timeline } = get.data
  assert.equal(timeline.bucket_seconds, 86400)
  assert.equal(timeline.buckets.length, 31)
  assert.equal(timeline.end, '2025-10-25T00:00:00+00:00')
  assert.deepEqual(Object.keys(timeline.buckets[0]), ['start', 'pending', 'active', 'completed', 'failed'])
  const overview = await client_.rpc('scheduled_outbound_calls_overview', args, { get: true })
  const summary = await client_.rpc('scheduled_outbound_calls_summary', {}, { get: true })
  assert.deepEqual(overview.data.summary, summary.data.summary)
  assert.deepEqual(overview.data.timeline, timeline)
  const bad = await client_.rpc('scheduled_outbound_calls_timeline', { bucket: '7 minutes' })
  assert.equal(bad.status, 400)
  assert.equal(bad.error.code, '22023')
  assert.match(bad.error.hint, /divides a day/)
})
