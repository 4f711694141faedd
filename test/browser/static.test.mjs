// What the Content-Security-Policy and the rule "text, never HTML" ask of
// web/, read from the files: no inline script or style, no handler
// attributes, nothing from another origin, no HTML built from strings.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'

const WEB = new URL('../../web/', import.meta.url)
const files = readdirSync(WEB)
const read = (name) => readFileSync(new URL(name, WEB), 'utf8')

test('index.html: scripts and styles only from files of its own', () => {
  const html = read('index.html')
  for (const script of html.match(/<script\b[^>]*>/g) ?? []) assert.match(script, /\bsrc="[a-z]+\.js"/, script)
  assert.doesNotMatch(html, /<style\b/)
  assert.doesNotMatch(html, /\sstyle=/)
  assert.doesNotMatch(html, /\son[a-z]+=/)
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//)
})

test('the scripts never parse strings as HTML or code', () => {
  const scripts = files.filter((name) => name.endsWith('.js'))
  assert.ok(scripts.length > 0)
  for (const name of scripts) {
    const code = read(name)
    for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'style']) {
      assert.ok(!code.includes(sink), `${name} uses ${sink}`)
    }
    assert.doesNotMatch(code, /https?:\/\/(?!html\.spec\.whatwg\.org)/, `${name} reaches another origin`)
  }
})

// web/vendor/: the libraries the page uses, copied by scripts/vendor-web from
// the npm packages vendor/package-lock.json pins (scripts/test installs them
// in vendor/node_modules first), each with its license.
const VENDOR = new URL('../../vendor/', import.meta.url)
const VENDORED = [
  ['uplot/dist/uPlot.esm.js', 'uplot/uPlot.esm.js'],
  ['uplot/dist/uPlot.min.css', 'uplot/uPlot.min.css'],
  ['uplot/LICENSE', 'uplot/LICENSE'],
]

test('web/vendor/ holds the pinned npm packages\' files, byte for byte, with their licenses', () => {
  const lock = JSON.parse(readFileSync(new URL('package-lock.json', VENDOR), 'utf8'))
  const pinned = JSON.parse(readFileSync(new URL('package.json', VENDOR), 'utf8')).dependencies
  for (const [name, version] of Object.entries(pinned)) {
    assert.equal(lock.packages[`node_modules/${name}`].version, version, `${name} locked at ${version}`)
    assert.match(lock.packages[`node_modules/${name}`].integrity, /^sha512-/)
    const installed = JSON.parse(readFileSync(new URL(`node_modules/${name}/package.json`, VENDOR), 'utf8'))
    assert.equal(installed.version, version, `vendor/node_modules/${name} (npm ci in vendor/)`)
  }
  for (const [from, to] of VENDORED) {
    assert.ok(readFileSync(new URL(`node_modules/${from}`, VENDOR)).equals(readFileSync(new URL(`vendor/${to}`, WEB))), to)
  }
  assert.match(read('vendor/uplot/LICENSE'), /MIT License/)
})

test('the vendored scripts never parse strings as HTML or code either', () => {
  const code = read('vendor/uplot/uPlot.esm.js')
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(', 'new Function', 'setAttribute(\'style', 'setAttribute("style']) {
    assert.ok(!code.includes(sink), `uPlot uses ${sink}`)
  }
  // Styles through the CSSOM only (el.style.x = ...), which style-src 'self' allows; no <style> element.
  assert.doesNotMatch(code, /createElement\(["']style["']\)/)
})
