// The dashboard page at / in Debian's headless Chromium: sign-in, counts
// equal to scheduled_outbound_calls_summary(), the timeline's chart equal to
// scheduled_outbound_calls_timeline(), live moves, text never treated as
// HTML, keyboard use, the filter, a gateway restart, token renewal, an
// expired session, the connection budget, and axe-core's accessibility rules.
//
//   test/gateway/harness.py node --test test/browser/
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { after, before, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import {
  CATEGORIES,
  Gateway,
  axeViolations,
  columnCallIds,
  connectionText,
  launchChromium,
  openPage,
  psql,
  psqlJson,
  signIn,
  simplejwt,
  sleep,
  waitForState,
} from './support.mjs'

// Screenshots go where CALLBOARD_SCREENSHOTS says (docs/screenshots/ to refresh README's),
// else beside the test logs, so a test run leaves the tree unchanged.
const SCREENSHOTS = (process.env.CALLBOARD_SCREENSHOTS || '/tmp/callboard-test-logs/screenshots').replace(/\/?$/, '/')
const LIVE_WITHIN_MS = 2000
// From one category to another, as Twilio's webhooks would move a call.
const NEXT_STATUS = { pending: 'ringing', active: 'completed', completed: 'busy', failed: 'queued' }

let gateway
let browser
let page // signed in as the fixture user, shared by the tests in order

const summary = () => psqlJson('SELECT api.scheduled_outbound_calls_summary()').summary
const timelineNow = () => psqlJson('SELECT api.scheduled_outbound_calls_timeline()').timeline
const STACK = ['pending', 'active', 'completed', 'failed']

// What the chart shows: the legend's numbers, and the screen readers' table.
function shownTimeline(p) {
  return p.evaluate(() => ({
    legend: Object.fromEntries(
      [...document.querySelectorAll('.timeline-legend [data-category]')].map((li) => [
        li.dataset.category,
        Number(li.querySelector('.legend-value').textContent.replace(/\D/g, '')),
      ]),
    ),
    rows: [...document.querySelectorAll('.timeline-table tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => Number(td.textContent.replace(/\D/g, ''))),
    ),
    label: document.querySelector('.timeline-chart').getAttribute('aria-label'),
  }))
}

// The timeline as the page should show it: each category's total and each bucket's row.
function expectedTimeline(timeline) {
  const legend = Object.fromEntries(STACK.map((c) => [c, timeline.buckets.reduce((s, b) => s + b[c], 0)]))
  const rows = timeline.buckets.map((b) => [...STACK.map((c) => b[c]), STACK.reduce((s, c) => s + b[c], 0)])
  return { legend, rows }
}

// Waits until the chart shows what the function returns (read again while
// waiting: an hour may end meanwhile).
async function waitForTimeline(p, timeout = LIVE_WITHIN_MS) {
  const deadline = Date.now() + timeout
  for (;;) {
    const want = expectedTimeline(timelineNow())
    const shown = await shownTimeline(p)
    if (JSON.stringify({ legend: shown.legend, rows: shown.rows }) === JSON.stringify(want)) return { want, shown }
    if (Date.now() > deadline) assert.deepEqual({ legend: shown.legend, rows: shown.rows }, want, 'the chart shows the timeline')
    await sleep(100)
  }
}

// The newest outbound call: first in whichever column it is in.
function newestCall() {
  const [id, status] = psql(
    "SELECT id, status FROM twilio_calls WHERE direction = 'outbound' ORDER BY created_at DESC, id DESC LIMIT 1",
  ).split('|')
  const category = psql(`SELECT api.callboard_call_category('${status}')`)
  return { id, status, category }
}

async function shownCounts(p) {
  const counts = {}
  for (const category of CATEGORIES) {
    counts[`total_${category}`] = Number(
      (await p.locator(`section[data-category="${category}"] .count`).textContent()).replace(/\D/g, ''),
    )
  }
  return counts
}

function assertNoProblems(p) {
  assert.deepEqual(p.problems, [], 'no dialog, script error or CSP violation')
}

before(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true })
  // The sample calls span the 90 days before 2025-10-24 10:00 UTC: squeezed
  // into the 24 hours before now, they fill the timeline's window as a busy
  // day would (started_at moves with its call).
  psql(`UPDATE twilio_calls SET created_at = n.created_at, started_at = started_at + (n.created_at - twilio_calls.created_at)
        FROM (SELECT id, now() - (timestamptz '2025-10-24 10:00+00' - created_at) / 90 AS created_at FROM twilio_calls) AS n
        WHERE n.id = twilio_calls.id`)
  gateway = await Gateway.start({ 'callboard-live-poll-interval': 1 })
  browser = await launchChromium()
})

after(async () => {
  await browser?.close()
  await gateway?.remove()
})

describe('the dashboard page', { timeout: 180_000 }, () => {
  test('is served with its strict Content-Security-Policy', async () => {
    const response = await fetch(`${gateway.url}/`)
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-security-policy'), /default-src 'none'; script-src 'self'/)
  })

  test('a wrong password is refused with the server\'s message', async () => {
    page = await openPage(browser, gateway.url)
    await signIn(page, { email: 'dispatcher@example.com', password: 'not-the-password' })
    await page.getByRole('alert').filter({ hasText: 'No active account found with the given credentials' }).waitFor()
    assert.equal(await page.locator('#board-view').isHidden(), true)
    // The password field keeps focus, its text selected, for another try.
    assert.equal(await page.evaluate(() => document.activeElement.id), 'password')
    assertNoProblems(page)
  })

  test('the fixture user signs in with Enter; the counts equal scheduled_outbound_calls_summary()', async () => {
    await page.getByLabel('Password').fill('dispatch-2025!')
    await page.getByLabel('Password').press('Enter')
    await waitForState(page, /^Live$/)
    await page.waitForFunction(() => !/–/.test(document.querySelector('section[data-category="failed"] .count').textContent))
    assert.deepEqual(await shownCounts(page), summary())
    // Each column: its first page, newest first, as scheduled_outbound_calls_page() returns it.
    for (const category of CATEGORIES) {
      const expected = psqlJson(`SELECT api.scheduled_outbound_calls_page('${category}', 50)`).calls.map((c) => c.call_id)
      assert.deepEqual(await columnCallIds(page, category), expected, category)
    }
    assert.notEqual(await page.locator('#last-change').textContent(), '–')
    // Nothing kept where other scripts could read it.
    assert.deepEqual(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]), [0, 0, ''])
    // 1366x768: the whole board in the window, each column scrolling on its own.
    assert.deepEqual(
      await page.evaluate(() => [document.documentElement.scrollHeight <= innerHeight, document.documentElement.scrollWidth <= innerWidth]),
      [true, true],
    )
    for (const button of await page.locator('button.more:visible').all()) assert.ok(await button.isVisible())
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-1366x768.png` })
    assertNoProblems(page)
  })

  test('the timeline above the columns: the last 24 hours as the function counts them, in the columns\' colours', async () => {
    const { want, shown } = await waitForTimeline(page)
    assert.equal(shown.rows.length, 24, 'one row per hour for screen readers')
    const calls = Object.values(want.legend).reduce((a, b) => a + b, 0)
    assert.ok(calls > 50, `the window holds the day's calls (${calls})`)
    assert.match(shown.label, new RegExp(`^Bar chart of the ${calls.toLocaleString('en-US')} calls created in the last 24 hours`))
    assert.equal(await page.locator('.timeline-title').textContent(), 'Calls created per hour, last 24 hours')
    // Above the columns, within the window.
    const chart = await page.locator('.timeline-chart').boundingBox()
    const columns = await page.locator('#columns').boundingBox()
    assert.ok(chart.y + chart.height <= columns.y && chart.width > 1000, JSON.stringify({ chart, columns }))
    // The legend's swatches, and the bars painted on the canvas, are the columns' colours.
    const colours = await page.evaluate((stack) => {
      const out = {}
      const canvas = document.querySelector('.timeline-chart canvas')
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
      for (const category of stack) {
        const column = getComputedStyle(document.querySelector(`section.column[data-category="${category}"]`)).borderTopColor
        const swatch = getComputedStyle(document.querySelector(`.timeline-legend [data-category="${category}"] .swatch`)).backgroundColor
        const [r, g, b] = column.match(/\d+/g).map(Number)
        let painted = 0
        for (let i = 0; i < pixels.length; i += 4) if (pixels[i] === r && pixels[i + 1] === g && pixels[i + 2] === b) painted++
        out[category] = { column, swatch, painted }
      }
      return out
    }, STACK)
    for (const category of STACK) {
      const { column, swatch, painted } = colours[category]
      assert.equal(swatch, column, `${category}'s swatch`)
      if (want.legend[category] > 0) assert.ok(painted > 20, `${category}'s bars are painted in its colour (${painted} pixels)`)
    }
    // Pointing at an hour shows its counts in the legend; leaving it, the totals again.
    const canvas = await page.locator('.timeline-chart .u-over').boundingBox()
    await page.mouse.move(canvas.x + canvas.width - 3, canvas.y + canvas.height / 2)
    await page.waitForFunction(() => document.querySelector('.timeline-when').textContent !== 'Totals')
    const hour = (await shownTimeline(page)).legend
    assert.deepEqual(Object.values(hour), want.rows.at(-1).slice(0, 4), 'the current hour\'s counts')
    await page.mouse.move(2, 2)
    await page.waitForFunction(() => document.querySelector('.timeline-when').textContent === 'Totals')
    assertNoProblems(page)
  })

  test('a call created in another session shows in the current hour within 2 s', async (t) => {
    const before = expectedTimeline(timelineNow())
    const started = Date.now()
    psql(`INSERT INTO twilio_calls (id, call_sid, from_number, to_number, direction, status, duration, created_at, updated_at)
          VALUES (gen_random_uuid(), 'CA-timeline', '+1', '+15550000000', 'outbound', 'queued', 0, now(), now())`)
    const { want } = await waitForTimeline(page)
    t.diagnostic(`shown after ${Date.now() - started} ms`)
    assert.ok(Date.now() - started <= LIVE_WITHIN_MS + 500)
    if (want.rows.length === before.rows.length) assert.equal(want.legend.pending, before.legend.pending + 1)
    assert.deepEqual(await shownCounts(page), summary())
    assertNoProblems(page)
  })

  test('an UPDATE in another session moves the call to its new column within 2 s, without a reload', async (t) => {
    await page.evaluate(() => {
      window.notReloaded = true
    })
    const call = newestCall()
    const to = NEXT_STATUS[call.category]
    const toCategory = psql(`SELECT api.callboard_call_category('${to}')`)
    assert.ok((await columnCallIds(page, call.category)).includes(call.id))

    const started = Date.now()
    psql(`UPDATE twilio_calls SET status = '${to}', updated_at = now() WHERE id = '${call.id}'`)
    await page
      .locator(`section[data-category="${toCategory}"] li[data-call-id="${call.id}"]`)
      .waitFor({ timeout: LIVE_WITHIN_MS })
    await page
      .locator(`section[data-category="${call.category}"] li[data-call-id="${call.id}"]`)
      .waitFor({ state: 'detached', timeout: Math.max(1, LIVE_WITHIN_MS - (Date.now() - started)) })
    const elapsed = Date.now() - started
    t.diagnostic(`moved after ${elapsed} ms`)
    assert.ok(elapsed <= LIVE_WITHIN_MS, `moved after ${elapsed} ms`)
    // The counts follow.
    const expected = summary()
    await page.waitForFunction(
      (want) => document.querySelector(`section[data-category="${want.category}"] .count`).textContent === String(want.n),
      { category: toCategory, n: expected[`total_${toCategory}`] },
      { timeout: LIVE_WITHIN_MS },
    )
    assert.deepEqual(await shownCounts(page), expected)
    assert.equal(await page.evaluate(() => window.notReloaded), true)
    assertNoProblems(page)
  })

  test('a customer_name holding markup is shown as text: no element, no script', async () => {
    const payload = '<img src=x onerror=alert(1)>'
    const call = newestCall()
    psql(`UPDATE twilio_calls SET customer_name = '${payload}', updated_at = now() WHERE id = '${call.id}'`)
    const customer = page.locator(`li[data-call-id="${call.id}"] .customer`)
    await page.waitForFunction(
      ({ id, text }) => document.querySelector(`li[data-call-id="${id}"] .customer`)?.textContent === text,
      { id: call.id, text: payload },
      { timeout: LIVE_WITHIN_MS },
    )
    assert.equal(await customer.textContent(), payload)
    await sleep(300) // an onerror would have fired by now
    assert.equal(await page.locator('img').count(), 0)
    assertNoProblems(page) // no alert dialog
  })

  test('keyboard: Tab reaches the filter and the columns\' buttons; Enter loads more calls with the cursor', async () => {
    const column = CATEGORIES.find((c) => summary()[`total_${c}`] > 50)
    assert.ok(column, 'a category with more than one page (the harness loads 150 calls)')
    await page.locator('#board-title').focus()
    const reached = []
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab')
      const focused = await page.evaluate(() => {
        const el = document.activeElement
        return `${el.tagName.toLowerCase()}:${el.getAttribute('aria-label') || el.value || el.textContent.trim()}`
      })
      reached.push(focused)
      if (focused === `button:Load more ${column} calls`) break
    }
    assert.ok(reached.includes('input:all'), reached.join(', '))
    assert.equal(reached.at(-1), `button:Load more ${column} calls`, reached.join(', '))

    const total = summary()[`total_${column}`]
    await page.keyboard.press('Enter')
    const expected = psqlJson(`SELECT api.scheduled_outbound_calls_page('${column}', 1000)`).calls.map((c) => c.call_id)
    await page.waitForFunction(
      ({ category, n }) => document.querySelectorAll(`section[data-category="${category}"] li.call`).length === n,
      { category: column, n: Math.min(total, 100) },
    )
    assert.deepEqual(await columnCallIds(page, column), expected.slice(0, Math.min(total, 100)))
    // Shift+Tab from the board's top reaches Sign out.
    await page.locator('#board-title').focus()
    await page.keyboard.press('Shift+Tab')
    assert.equal(await page.evaluate(() => document.activeElement.id), 'logout')
    assertNoProblems(page)
  })

  test('the filter shows one category, then all again', async () => {
    await page.getByRole('radio', { name: /^Failed/ }).check()
    for (const category of CATEGORIES) {
      assert.equal(await page.locator(`section[data-category="${category}"]`).isVisible(), category === 'failed', category)
    }
    await waitForState(page, /^Live$/)
    await page.getByRole('radio', { name: 'All' }).check()
    for (const category of CATEGORIES) {
      await page.locator(`section[data-category="${category}"] li.call`).first().waitFor()
    }
    await waitForState(page, /^Live$/)
    assertNoProblems(page)
  })

  test('the page survives a gateway restart: it reconnects by itself', async (t) => {
    await gateway.stop()
    await waitForState(page, /^(Reconnecting…|Offline, retrying)$/)
    await sleep(1500) // down a while: the page backs off
    await gateway.start()
    const back = Date.now()
    await waitForState(page, /^Live$/, 20_000)
    t.diagnostic(`live again ${Date.now() - back} ms after the gateway was back`)
    // The new streams carry changes again.
    const call = newestCall()
    const to = NEXT_STATUS[call.category]
    const toCategory = psql(`SELECT api.callboard_call_category('${to}')`)
    psql(`UPDATE twilio_calls SET status = '${to}', updated_at = now() WHERE id = '${call.id}'`)
    await page
      .locator(`section[data-category="${toCategory}"] li[data-call-id="${call.id}"]`)
      .waitFor({ timeout: LIVE_WITHIN_MS })
    assert.deepEqual(await shownCounts(page), summary())
    assertNoProblems(page)
  })

  test('Sign out forgets the session and closes the streams', async () => {
    await page.getByRole('button', { name: 'Sign out' }).press('Enter')
    await page.locator('#login-view').waitFor()
    assert.equal(await page.locator('#board-view').isHidden(), true)
    assert.equal(await page.evaluate(() => document.activeElement.id), 'email')
    const streams = []
    page.on('request', (request) => streams.push(request.url()))
    psql(`UPDATE twilio_calls SET updated_at = now() WHERE id = '${newestCall().id}'`)
    await sleep(1500)
    assert.deepEqual(streams, [], 'no request after signing out')
    await page.context().close()
  })
})

describe('tokens', { timeout: 60_000 }, () => {
  // The login answer with an access token that expires in `accessSeconds`
  // and, if asked, a refresh token that has expired: minted with the
  // gateway's secret, so the gateway's own checks apply to both.
  async function shortSession(p, { accessSeconds, expiredRefresh = false }) {
    await p.route('**/api/accounts/login/', async (route) => {
      const response = await route.fetch()
      const body = await response.json()
      const now = Math.floor(Date.now() / 1000)
      body.access = simplejwt({ token_type: 'access', user_id: 1, iat: now, exp: now + accessSeconds })
      // 120 s ago: past the gateway's 30 s allowance for clock skew.
      if (expiredRefresh) body.refresh = simplejwt({ token_type: 'refresh', user_id: 1, iat: now - 600, exp: now - 120 })
      await route.fulfill({ response, json: body })
    })
  }

  test('the access token is renewed before it expires; streams reconnect with Last-Event-ID', async () => {
    const p = await openPage(browser, gateway.url)
    await shortSession(p, { accessSeconds: 8 })
    const refreshes = []
    const streams = []
    p.on('request', async (request) => {
      if (request.url().endsWith('/api/accounts/token/refresh/')) refreshes.push(Date.now())
      const headers = await request.allHeaders()
      if (headers.accept === 'text/event-stream') streams.push({ url: request.url(), headers })
    })
    await signIn(p)
    await waitForState(p, /^Live$/)
    const firstStreams = streams.length
    const lastChange = await p.locator('#last-change').getAttribute('datetime')
    // Renewed at 80% of 8 s; the streams end at the old token's exp and come back.
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline && streams.length < firstStreams * 2) await sleep(100)
    assert.equal(refreshes.length, 1, 'one refresh')
    const again = streams.slice(firstStreams)
    assert.ok(again.length >= firstStreams, 'every stream reconnected')
    const original = streams[0].headers.authorization
    for (const stream of again) {
      assert.match(stream.headers['last-event-id'] ?? '', /^"[0-9a-f]+"$/, stream.url)
      assert.notEqual(stream.headers.authorization, original, 'with the new token')
    }
    await waitForState(p, /^Live$/)
    // Last-Event-ID: the gateway did not send the unchanged documents again.
    await sleep(500)
    assert.equal(await p.locator('#last-change').getAttribute('datetime'), lastChange)
    assertNoProblems(p)
    await p.context().close()
  })

  test('an expired session returns to the login form', async () => {
    const p = await openPage(browser, gateway.url)
    await shortSession(p, { accessSeconds: 4, expiredRefresh: true })
    await signIn(p)
    await waitForState(p, /^Live$/)
    await p.locator('#login-view').waitFor({ timeout: 10_000 })
    assert.equal(await p.locator('#board-view').isHidden(), true)
    assert.match(await p.locator('#login-message').textContent(), /session has expired/)
    // Signing in again works.
    await p.unroute('**/api/accounts/login/')
    await signIn(p)
    await waitForState(p, /^Live$/)
    assertNoProblems(p)
    await p.context().close()
  })
})

describe('the connection budget', { timeout: 60_000 }, () => {
  test('five event streams: the counts and the chart share one, leaving a connection of the six', async () => {
    const p = await openPage(browser, gateway.url)
    const streams = new Set()
    p.on('request', async (request) => {
      if ((await request.allHeaders()).accept === 'text/event-stream') streams.add(new URL(request.url()).pathname + new URL(request.url()).search)
    })
    await signIn(p)
    await waitForState(p, /^Live$/)
    await p.locator('.timeline-table tbody tr').first().waitFor({ state: 'attached' })
    assert.deepEqual([...streams].sort(), [
      '/rpc/scheduled_outbound_calls_overview',
      ...CATEGORIES.map((c) => `/rpc/scheduled_outbound_calls_page?category=${c}&page_size=50`),
    ].sort())
    // With all five open, a plain request still has a connection: "Load more" answers.
    const column = CATEGORIES.find((c) => summary()[`total_${c}`] > 50)
    await p.locator(`section[data-category="${column}"] button.more`).click()
    await p.waitForFunction(
      (category) => document.querySelectorAll(`section[data-category="${category}"] li.call`).length > 50,
      column,
      { timeout: 5000 },
    )
    assertNoProblems(p)
    await p.context().close()
  })
})

describe('accessibility, checked by axe-core', { timeout: 90_000 }, () => {
  for (const viewport of [{ width: 1366, height: 768 }, { width: 390, height: 844 }]) {
    test(`${viewport.width}x${viewport.height}: no serious or critical violation, signed out and signed in`, async () => {
      const p = await openPage(browser, gateway.url, viewport)
      assert.deepEqual(await axeViolations(p), [], 'signed out')
      await signIn(p)
      await waitForState(p, /^Live$/)
      await p.locator('.timeline-table tbody tr').first().waitFor({ state: 'attached' })
      await p.locator('section[data-category="failed"] li.call').first().waitFor()
      assert.deepEqual(await axeViolations(p), [], 'signed in')
      // One column, filtered: the same.
      await p.getByRole('radio', { name: /^Completed/ }).check()
      await p.locator('section[data-category="completed"] li.call').first().waitFor()
      assert.deepEqual(await axeViolations(p), [], 'one category')
      assertNoProblems(p)
      await p.context().close()
    })
  }
})

describe('at phone width', { timeout: 60_000 }, () => {
  test('390x844: the columns stack, each with its count', async () => {
    const p = await openPage(browser, gateway.url, { width: 390, height: 844 })
    await p.screenshot({ path: `${SCREENSHOTS}login-390x844.png` })
    await signIn(p)
    await waitForState(p, /^Live$/)
    await p.locator('section[data-category="failed"] li.call').first().waitFor()
    const boxes = []
    for (const category of CATEGORIES) boxes.push(await p.locator(`section[data-category="${category}"]`).boundingBox())
    for (let i = 1; i < boxes.length; i++) assert.ok(boxes[i].y > boxes[i - 1].y, 'one under the other')
    for (const box of boxes) assert.ok(box.x >= 0 && box.x + box.width <= 390, 'within the width')
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.equal(overflow, 0, 'no sideways scrolling')
    // The chart first, the whole width, its legend readable above it.
    await waitForTimeline(p)
    const chart = await p.locator('.timeline-chart').boundingBox()
    assert.ok(chart.y + chart.height <= boxes[0].y && chart.x >= 0 && chart.x + chart.width <= 390, JSON.stringify(chart))
    for (const li of await p.locator('.timeline-legend li').all()) {
      const box = await li.boundingBox()
      assert.ok(box.x >= 0 && box.x + box.width <= 390, 'each legend entry within the width')
    }
    assert.deepEqual(await shownCounts(p), summary())
    await p.screenshot({ path: `${SCREENSHOTS}dashboard-390x844.png` })
    assertNoProblems(p)
    await p.context().close()
  })
})
