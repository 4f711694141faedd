// The signed-in session: SimpleJWT's two tokens, from the gateway's login
// route, and the access token renewed through the refresh route before it
// expires.
//
// Where the tokens live: in this module's memory only, never in
// localStorage, sessionStorage or a cookie.  Storage that outlives a
// function call can be read by any script that ever runs on this origin, and
// the refresh token is good for a day; in memory it is gone when the tab
// closes or reloads.  The cost is signing in again after a reload, which a
// live page rarely needs.  (sessionStorage would survive reloads of this tab
// at the price above.)
//
// Events: "end" (detail: a sentence for the login form) when the server
// refuses the refresh token (expired, or the user was deactivated): the
// session is over and the page must return to the login form.

import { HttpError, errorFrom } from './sse.js'

const LOGIN = '/api/accounts/login/'
const REFRESH = '/api/accounts/token/refresh/'

// The session is over: sign in again.
export class SessionExpired extends Error {
  constructor(message = 'Your session has expired. Please sign in again.') {
    super(message)
    this.name = 'SessionExpired'
  }
}

// The claims of a JWT, unverified: only to read its lifetime (the server verifies).
export function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(atob(part + '='.repeat((4 - (part.length % 4)) % 4)))
  } catch {
    return {}
  }
}

// When to renew an access token, in ms from when it arrived: at 80% of its
// lifetime.  Counted from its own iat and exp, so a client clock that is off
// does not matter.
export function renewalDelay(token) {
  const { iat, exp } = claimsOf(token)
  if (!Number.isFinite(iat) || !Number.isFinite(exp) || exp <= iat) return 60_000
  return Math.max(1000, (exp - iat) * 800)
}

async function postJson(path, body) {
  return fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
    cache: 'no-store',
  })
}

export class Session extends EventTarget {
  #access = null
  #refresh = null
  #timer = 0
  #refreshing = null // one refresh at a time, shared by all who need it
  #retries = 0

  get signedIn() {
    return this.#access !== null
  }

  accessToken() {
    return this.#access
  }

  // Resolves once signed in; rejects with HttpError (the server's message,
  // e.g. "No active account found with the given credentials") or TypeError
  // (gateway unreachable).
  async login(email, password) {
    const response = await postJson(LOGIN, { email, password })
    if (!response.ok) throw await errorFrom(response)
    const { access, refresh } = await response.json()
    this.#refresh = refresh
    this.#accept(access)
  }

  // Forgets both tokens.  (SimpleJWT without its blacklist app has no logout
  // route: a token that was copied stays valid until its exp.)
  logout() {
    clearTimeout(this.#timer)
    this.#access = null
    this.#refresh = null
    this.#refreshing = null
  }

  // A new access token.  Rejects with SessionExpired when the server refuses
  // the refresh token (and ends the session), otherwise (gateway away) with
  // the error, after scheduling another try.
  refresh() {
    if (this.#refreshing === null) {
      const renewal = this.#renew().finally(() => {
        if (this.#refreshing === renewal) this.#refreshing = null
      })
      this.#refreshing = renewal
    }
    return this.#refreshing
  }

  // GET a JSON document with the access token; one refresh and retry if the
  // server says the token expired meanwhile.
  async getJson(url, { signal } = {}) {
    for (let attempt = 0; ; attempt++) {
      const token = this.#access
      if (token === null) throw new SessionExpired('Signed out.')
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        cache: 'no-store',
        signal,
      })
      if (response.ok) return response.json()
      if (response.status === 401 && attempt === 0) {
        if (token === this.#access) await this.refresh()
        continue
      }
      throw await errorFrom(response)
    }
  }

  #accept(access) {
    this.#access = access
    this.#retries = 0
    clearTimeout(this.#timer)
    this.#timer = setTimeout(() => this.refresh().catch(() => {}), renewalDelay(access))
  }

  async #renew() {
    const refresh = this.#refresh
    if (refresh === null) throw new SessionExpired('Signed out.')
    let response
    try {
      response = await postJson(REFRESH, { refresh })
    } catch (error) {
      this.#retryLater()
      throw error
    }
    if (this.#refresh !== refresh) throw new SessionExpired('Signed out.') // logged out meanwhile
    if (response.status === 400 || response.status === 401) {
      // "Token is invalid or expired", "No active account found for the given token."
      this.logout()
      const ended = new SessionExpired()
      this.dispatchEvent(new CustomEvent('end', { detail: ended.message }))
      throw ended
    }
    if (!response.ok) {
      this.#retryLater()
      throw await errorFrom(response)
    }
    this.#accept((await response.json()).access)
  }

  // The gateway is away (or answered 5xx): try again in 2, 4, ... 30 s.
  // Meanwhile the access token may expire; the streams then wait for this.
  #retryLater() {
    if (this.#refresh === null) return // signed out meanwhile
    clearTimeout(this.#timer)
    const delay = Math.min(30_000, 2000 * 2 ** this.#retries++)
    this.#timer = setTimeout(() => this.refresh().catch(() => {}), delay)
  }
}

export { HttpError }
