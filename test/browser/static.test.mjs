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
