// The page's first paint after sign-in, in Debian's headless Chromium
// (playwright-core from test/browser/node_modules): run by bench/timeline.py.
//
//   node bench/first_paint.mjs GATEWAY_URL RUNS
//
// Each run: a new browser context (nothing cached), the page loaded, the
// fixture user signed in.  Before it, one call is updated in another session
// (psql, PG* from the environment), as webhooks do all day, so the gateway
// reads every document again instead of answering from memory.  Measured in
// the page's own clock, from the login answer's arrival (performance's
// responseEnd; the PBKDF2 check before it is the login's cost, printed apart):
//   chart  the frame in which the timeline's chart is first drawn
//   board  the frame in which the chart, every column's calls and every count are shown
// Prints one JSON line per run.
import { execFileSync } from 'node:child_process'
import { createRequire } from 'node:module'

const require = createRequire(new URL('../test/browser/package.json', import.meta.url))
const { chromium } = require('playwright-core')

const [url, runsArg] = process.argv.slice(2)
const runs = Number(runsArg || 10)

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
})

for (let run = 0; run < runs; run++) {
  execFileSync('psql', ['-X', '-q', '-c',
    "UPDATE twilio_calls SET updated_at = now() WHERE id = (SELECT id FROM twilio_calls WHERE direction = 'outbound' ORDER BY created_at DESC LIMIT 1)"])
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } })
  const page = await context.newPage()
  await page.goto(url)
  await page.evaluate(() => {
    const marks = (window.__marks = {})
    const chartShown = () => document.querySelectorAll('.timeline-table tbody tr').length > 0 && document.querySelector('.timeline-chart canvas')
    const boardShown = () =>
      chartShown() &&
      [...document.querySelectorAll('section.column')].every(
        (column) => column.querySelector('.shown').textContent !== 'Loading…' && column.querySelector('.count').textContent !== '–',
      )
    document.querySelector('#login-form').addEventListener('submit', () => (marks.submit = performance.now()), { capture: true })
    const observer = new MutationObserver(() => {
      // The frame that paints what is now in the DOM begins at the next animation frame.
      if (!marks.chart && !marks.chartPending && chartShown()) {
        marks.chartPending = true
        requestAnimationFrame((t) => (marks.chart = t))
      }
      if (!marks.board && !marks.boardPending && boardShown()) {
        marks.boardPending = true
        requestAnimationFrame((t) => (marks.board = t))
        observer.disconnect()
      }
    })
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true })
  })
  await page.getByLabel('Email').fill('dispatcher@example.com')
  await page.getByLabel('Password').fill('dispatch-2025!')
  await page.getByLabel('Password').press('Enter')
  await page.waitForFunction(() => window.__marks.board, null, { timeout: 120_000, polling: 20 })
  const result = await page.evaluate(() => {
    const login = performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/accounts/login/'))
    const m = window.__marks
    return { login: login.responseEnd - m.submit, chart: m.chart - login.responseEnd, board: m.board - login.responseEnd }
  })
  console.log(JSON.stringify(result))
  await context.close()
}
await browser.close()
