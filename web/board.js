// One column of the board: a category's calls, newest first.
//
// Its first page comes live from the event stream (showPage); "Load more"
// fetches the pages after it with the cursor (plain GETs).  Pages loaded
// that way follow the live first page: whenever that page or the column's
// count changes, the column fetches again, from the new first page's
// cursor, as many calls as it showed beyond it, so the list never holds a
// call twice or one that left the category.
//
// Every text from the server goes into the DOM through textContent or an
// attribute value, never as HTML: a customer_name of
// "<img src=x onerror=alert(1)>" is shown as those characters.

const REFILL_DELAY_MS = 150

const CATEGORY_LABELS = { pending: 'Pending', active: 'Active', completed: 'Completed', failed: 'Failed' }

export function categoryLabel(category) {
  return CATEGORY_LABELS[category] || category
}

// 0:42, 12:03, 1:02:03
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds <= 0) return '—'
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = String(Math.floor(seconds % 60)).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
})
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' })

export function formatClock(date) {
  return clock.format(date)
}

// Today: 14:02:11; another day: 22 Oct, 09:36.
export function formatStarted(iso, now = new Date()) {
  if (!iso) return 'not started'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return date.toDateString() === now.toDateString() ? clock.format(date) : dayAndTime.format(date)
}

// in_progress, in-progress -> in progress
export function statusLabel(status) {
  return String(status ?? '').replace(/[_-]+/g, ' ')
}

// el('span', 'name', text): an element with a class and text content.
function el(tag, className, text) {
  const node = document.createElement(tag)
  if (className) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

// A label read out by screen readers, not shown ("Agent", "Started").
function spoken(text) {
  return el('span', 'visually-hidden', text)
}

function callItem() {
  const li = el('li', 'call')
  const top = el('p', 'call-top')
  top.append(el('span', 'customer'), el('span', 'status'))
  const number = el('p', 'number')
  const meta = el('p', 'meta')
  const agent = el('span', 'agent')
  const started = el('time', 'started')
  const duration = el('span', 'duration')
  meta.append(spoken('Agent: '), agent, spoken(', started '), started, spoken(', duration '), duration)
  li.append(top, number, meta)
  li.addEventListener('animationend', () => li.classList.remove('flash'))
  return li
}

function fillCallItem(li, call) {
  const customer = li.querySelector('.customer')
  const unknown = call.customer_name === null || call.customer_name === ''
  customer.textContent = unknown ? 'Unknown customer' : call.customer_name
  customer.classList.toggle('unknown', unknown)
  const status = li.querySelector('.status')
  status.textContent = statusLabel(call.status)
  li.dataset.status = String(call.status) // for CSS; an attribute value, never markup
  li.querySelector('.number').textContent = call.to_number
  li.querySelector('.agent').textContent = call.agent?.name ?? 'No agent'
  const started = li.querySelector('.started')
  started.textContent = formatStarted(call.started_at)
  if (call.started_at) {
    started.dateTime = call.started_at
    started.title = full.format(new Date(call.started_at))
  } else {
    started.removeAttribute('datetime')
    started.removeAttribute('title')
  }
  li.querySelector('.duration').textContent = formatDuration(call.duration)
}

export class Column {
  // section: the column's <section data-category>; fetchPage(cursor, size)
  // resolves to a scheduled_outbound_calls_page document.
  constructor(section, { fetchPage, pageSize }) {
    this.section = section
    this.category = section.dataset.category
    this.fetchPage = fetchPage
    this.pageSize = pageSize
    this.heading = section.querySelector('h2')
    this.countEl = section.querySelector('.count')
    this.shownEl = section.querySelector('.shown')
    this.errorEl = section.querySelector('.column-error')
    this.emptyEl = section.querySelector('.empty')
    this.list = section.querySelector('ol')
    this.more = section.querySelector('button.more')
    this.items = new Map() // call_id -> { li, key }
    this.more.addEventListener('click', () => this.loadMore())
    this.reset()
  }

  // Forget everything (signed out).
  reset() {
    this.first = []
    this.firstCursor = null
    this.extra = []
    this.extraCursor = null
    this.total = null
    this.hasPage = false
    this.rendered = false // the first page has been shown: later arrivals are marked
    this.queue = Promise.resolve() // loads and refills, one at a time
    this.generation = (this.generation ?? 0) + 1 // late answers for an older generation are dropped
    clearTimeout(this.refillTimer)
    this.loading = false
    this.items.clear()
    this.list.replaceChildren()
    this.countEl.textContent = '–'
    this.showError('')
    this.render()
  }

  // Drops the pages loaded beyond the first (the column is hidden).
  dropExtra() {
    this.generation++
    clearTimeout(this.refillTimer)
    this.queue = Promise.resolve()
    this.extra = []
    this.extraCursor = null
    this.loading = false
    this.render()
  }

  // The live first page (a scheduled_outbound_calls_page document).
  showPage(page) {
    this.first = Array.isArray(page.calls) ? page.calls : []
    this.firstCursor = page.next_cursor ?? null
    this.hasPage = true
    this.showError('')
    this.render()
    this.#refillSoon()
  }

  // The category's count, from the summary stream.
  setTotal(total) {
    if (this.total === total) return
    this.total = total
    this.countEl.textContent = Number.isFinite(total) ? total.toLocaleString() : '–'
    this.render()
    this.#refillSoon()
  }

  showError(message) {
    this.errorEl.textContent = message
    this.errorEl.hidden = message === ''
  }

  nextCursor() {
    return this.extra.length > 0 ? this.extraCursor : this.firstCursor
  }

  loadMore() {
    if (this.loading || !this.nextCursor()) return
    this.loading = true
    this.render()
    const generation = this.generation
    this.#enqueue(async () => {
      try {
        const cursor = this.nextCursor()
        if (!cursor) return
        const page = await this.fetchPage(cursor, this.pageSize)
        if (generation !== this.generation) return
        this.extra = this.extra.concat(page.calls)
        this.extraCursor = page.next_cursor ?? null
        this.showError('')
      } catch (error) {
        if (generation === this.generation) this.showError(`Could not load more calls: ${error.message}`)
      } finally {
        if (generation === this.generation) {
          this.loading = false
          this.render()
        }
      }
    })
  }

  #refillSoon() {
    if (this.extra.length === 0) return
    clearTimeout(this.refillTimer)
    this.refillTimer = setTimeout(() => this.#enqueue(() => this.#refill()), REFILL_DELAY_MS)
  }

  // The pages beyond the first again, from the current first page's cursor.
  async #refill() {
    const generation = this.generation
    const want = this.extra.length
    if (want === 0) return
    const rows = []
    let cursor = this.firstCursor
    try {
      while (cursor && rows.length < want) {
        const page = await this.fetchPage(cursor, Math.min(1000, want - rows.length))
        if (generation !== this.generation) return
        rows.push(...page.calls)
        cursor = page.next_cursor ?? null
      }
    } catch (error) {
      if (generation === this.generation) this.showError(`Could not update the older calls: ${error.message}`)
      return
    }
    this.extra = rows
    this.extraCursor = cursor
    this.render()
  }

  #enqueue(task) {
    this.queue = this.queue.then(task, task)
  }

  // Brings the list in line with first + extra, reusing each call's element
  // (focus, scroll position and screen readers' place are kept); a call that
  // arrives or changes is marked for a moment.
  render() {
    const seen = new Set()
    const rows = []
    for (const call of this.first.concat(this.extra)) {
      if (seen.has(call.call_id)) continue // moved from a loaded page into the first meanwhile
      seen.add(call.call_id)
      rows.push(call)
    }
    let previous = null
    for (const call of rows) {
      let item = this.items.get(call.call_id)
      const key = JSON.stringify(call)
      if (!item) {
        item = { li: callItem(), key: null }
        item.li.dataset.callId = call.call_id
        this.items.set(call.call_id, item)
      }
      if (item.key !== key) {
        const changed = item.key !== null || this.rendered
        fillCallItem(item.li, call)
        item.key = key
        if (changed) flash(item.li)
      }
      const expected = previous ? previous.nextSibling : this.list.firstChild
      if (item.li !== expected) this.list.insertBefore(item.li, expected)
      previous = item.li
    }
    for (const [id, item] of this.items) {
      if (!seen.has(id)) {
        item.li.remove()
        this.items.delete(id)
      }
    }
    this.rendered = this.hasPage

    const label = categoryLabel(this.category).toLowerCase()
    this.emptyEl.hidden = !this.hasPage || rows.length > 0
    this.emptyEl.textContent = `No ${label} calls.`
    if (!this.hasPage) this.shownEl.textContent = 'Loading…'
    else if (Number.isFinite(this.total)) this.shownEl.textContent = `${rows.length.toLocaleString()} of ${this.total.toLocaleString()} shown`
    else this.shownEl.textContent = `${rows.length.toLocaleString()} shown`

    const more = this.nextCursor() !== null
    if (!more && this.more.contains(document.activeElement)) this.heading.focus() // keep keyboard users' place
    this.more.hidden = !more
    this.more.textContent = this.loading ? 'Loading…' : 'Load more'
    this.more.setAttribute('aria-disabled', String(this.loading)) // not `disabled`: that would drop focus
    this.more.setAttribute('aria-label', this.loading ? `Loading more ${label} calls` : `Load more ${label} calls`)
  }
}

// Marks an element for a moment (CSS animates .flash; reduced motion: a border only).
function flash(li) {
  li.classList.remove('flash')
  void li.offsetWidth // restart the animation
  li.classList.add('flash')
}
