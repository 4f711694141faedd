// What the browser tests share: a gateway of their own, psql, tokens, Chromium.
//
// Run through test/gateway/harness.py, which starts a throwaway cluster with
// the app's schema and sample calls and a gateway, and passes PG*,
// JWT_SECRET, GATEWAY_CONF (that gateway's config) and GATEWAY_BINARY.  The
// tests start their own gateway from the same config, on a port of their
// own, so that they can stop and restart it, and with
// callboard-live-poll-interval = 1 so that a change shows within 2 s whether
// or not the database sends the change signal.
import assert from 'node:assert/strict'
import { spawn, execFileSync } from 'node:child_process'
import { createHmac, randomUUID } from 'node:crypto'
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const { GATEWAY_CONF, GATEWAY_BINARY, JWT_SECRET } = process.env
assert.ok(GATEWAY_CONF && GATEWAY_BINARY && JWT_SECRET, 'run through test/gateway/harness.py')

export const FIXTURE_USER = { email: 'dispatcher@example.com', password: 'dispatch-2025!' }
export const CATEGORIES = ['pending', 'active', 'completed', 'failed']

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

// A callboard-gateway child process: the harness's config with `settings`
// (postgrest.conf keys) changed, on a port that stays the same across restarts.
export class Gateway {
  static async start(settings = {}) {
    const gateway = new Gateway(await freePort(), settings)
    await gateway.start()
    return gateway
  }

  constructor(port, settings) {
    this.port = port
    this.url = `http://127.0.0.1:${port}`
    this.dir = mkdtempSync(join(tmpdir(), 'callboard-browser.'))
    this.conf = join(this.dir, 'postgrest.conf')
    this.log = join(this.dir, 'gateway.log')
    const lines = readFileSync(GATEWAY_CONF, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
    const values = new Map(lines.map((line) => line.split(/\s*=\s*(.*)/s).slice(0, 2)))
    values.set('server-port', String(port))
    for (const [key, value] of Object.entries(settings)) {
      values.set(key, typeof value === 'string' ? JSON.stringify(value) : String(value))
    }
    writeFileSync(this.conf, [...values].map(([k, v]) => `${k} = ${v}\n`).join(''))
    this.process = null
    process.on('exit', () => this.process?.kill('SIGKILL')) // never left running
  }

  async start() {
    const out = openSync(this.log, 'a')
    this.process = spawn(GATEWAY_BINARY, [this.conf], { stdio: ['ignore', out, out] })
    closeSync(out)
    const exited = new Promise((resolve) => this.process.once('exit', resolve))
    this.exited = exited
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      try {
        if ((await fetch(`${this.url}/live`)).ok) return
      } catch {
        // not listening yet
      }
      await sleep(50)
    }
    throw new Error(`callboard-gateway did not start:\n${readFileSync(this.log, 'utf8')}`)
  }

  // SIGTERM, as a service manager stops it; SIGKILL after 10 s.
  async stop() {
    if (!this.process || this.process.exitCode !== null || this.process.signalCode !== null) return
    this.process.kill('SIGTERM')
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000)
    await this.exited
    clearTimeout(timer)
  }

  async restart() {
    await this.stop()
    await this.start()
  }

  async remove() {
    await this.stop()
    rmSync(this.dir, { recursive: true, force: true })
  }
}

// psql as postgres on the harness's database ("another session").
export function psql(sql) {
  return execFileSync('psql', ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
    encoding: 'utf8',
  }).trim()
}

export const psqlJson = (sql) => JSON.parse(psql(sql))

// A token as SimpleJWT mints it, signed with the gateway's secret.
export function simplejwt(claims) {
  const b64url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const body = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({ jti: randomUUID().replace(/-/g, ''), ...claims })}`
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`
}

// Debian's Chromium, never a downloaded one.  Playwright gives each launch a
// fresh --user-data-dir of its own and removes it on close.
export async function launchChromium() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox', // as root
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

// A page that records what must never happen: a dialog (alert), a script
// error, a Content-Security-Policy violation.
export async function openPage(browser, url, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport })
  const page = await context.newPage()
  page.problems = []
  page.on('dialog', (dialog) => {
    page.problems.push(`dialog: ${dialog.type()} ${dialog.message()}`)
    dialog.dismiss().catch(() => {})
  })
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`))
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource|net::ERR_/.test(message.text())) {
      page.problems.push(`console: ${message.text()}`)
    }
  })
  await page.goto(url)
  return page
}

export async function signIn(page, { email, password } = FIXTURE_USER) {
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByLabel('Password').press('Enter')
}

export const connectionText = (page) => page.locator('#connection-text')

export async function waitForState(page, pattern, timeout = 10_000) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('connection-text').textContent),
    pattern.source,
    { timeout, polling: 50 },
  )
}

// The call ids a column shows, top to bottom.
export function columnCallIds(page, category) {
  return page.$$eval(`section[data-category="${category}"] li.call`, (items) => items.map((li) => li.dataset.callId))
}

// axe-core (from npm, test/browser/package.json) run on the page as it is
// now: the violations at the given impacts, each as "rule (impact): what, at
// which elements".  Evaluated through the DevTools protocol, which the
// page's Content-Security-Policy does not apply to, so the page under test
// keeps its own policy.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

export async function axeViolations(page, impacts = ['serious', 'critical']) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE)
  const results = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }),
  )
  return results.violations
    .filter((v) => impacts.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.help}, at ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`)
}
