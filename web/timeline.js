// The day at a glance: calls created per hour over the last 24 hours,
// stacked by category in the columns' colours, drawn with uPlot (vendored
// in web/vendor/uplot by scripts/vendor-web).  The document is the
// "timeline" of scheduled_outbound_calls_overview(): buckets of
// { start, pending, active, completed, failed }, the last one the current
// hour, which fills as calls are created.
//
// Beside the chart: a legend of the window's totals per category (a
// bucket's counts while the pointer is on it), a label on the chart that
// sums it up, and a table of every bucket for screen readers.  Every text
// goes in through textContent.

import uPlot from './vendor/uplot/uPlot.esm.js'
import { categoryLabel } from './board.js'

// Bottom to top: the order of the columns.
const STACK = ['pending', 'active', 'completed', 'failed']
const CHART_HEIGHT_PX = { wide: 150, narrow: 170 }
const NARROW = window.matchMedia('(max-width: 640px)')

const hourMinute = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })
const dayHourMinute = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' })

function el(tag, text) {
  const node = document.createElement(tag)
  if (text !== undefined) node.textContent = text
  return node
}

// "last 24 hours", "per hour": what a bucket and a span are called (hours up
// to two days, as a floor manager counts them).
export function describeWindow(bucketSeconds, spanSeconds) {
  const unit = (seconds) =>
    seconds % 86400 === 0 && seconds > 2 * 86400 ? [seconds / 86400, 'day']
      : seconds % 3600 === 0 ? [seconds / 3600, 'hour']
      : [seconds / 60, 'minute']
  const [n, name] = unit(spanSeconds)
  const [b, bucketName] = unit(bucketSeconds)
  return {
    span: n === 1 ? `last ${name}` : `last ${n} ${name}s`,
    bucket: b === 1 ? `per ${bucketName}` : `per ${b} ${bucketName}s`,
  }
}

// 14:00–15:00, the bucket's local times.
export function bucketLabel(startMs, bucketSeconds, withDay = false) {
  const format = withDay ? dayHourMinute : hourMinute
  return `${format.format(new Date(startMs))}–${hourMinute.format(new Date(startMs + bucketSeconds * 1000))}`
}

const total = (bucket) => STACK.reduce((sum, category) => sum + (bucket[category] ?? 0), 0)

export class TimelineChart {
  // section: the chart's <section>, holding .timeline-title, .timeline-when,
  // .timeline-legend [data-category] .legend-value, .timeline-chart and a
  // <table> whose <tbody> gets one row per bucket.
  constructor(section) {
    this.section = section
    this.title = section.querySelector('.timeline-title-text')
    this.when = section.querySelector('.timeline-when')
    this.chartEl = section.querySelector('.timeline-chart')
    this.caption = section.querySelector('caption')
    this.tbody = section.querySelector('tbody')
    this.values = new Map(
      [...section.querySelectorAll('.timeline-legend [data-category]')].map((li) => [
        li.dataset.category,
        li.querySelector('.legend-value'),
      ]),
    )
    this.timeline = null
    this.plot = null
    this.hovered = null
    this.resize = new ResizeObserver(() => this.#fit())
    this.resize.observe(this.chartEl)
    NARROW.addEventListener('change', () => this.#fit())
  }

  // A timeline document: draws it, replacing what was shown.
  show(timeline) {
    if (!timeline || !Array.isArray(timeline.buckets)) return
    this.timeline = timeline
    const buckets = timeline.buckets
    const xs = buckets.map((b) => Date.parse(b.start) / 1000)
    // Painted tallest first: each series is the sum of its category and those below it.
    const stacked = STACK.map((_, level) => buckets.map((b) => STACK.slice(0, level + 1).reduce((s, c) => s + b[c], 0)))
    const data = [xs, ...stacked.reverse()]
    if (!this.plot) this.#create(data)
    else this.plot.setData(data)
    this.#describe()
    this.#showValues()
  }

  // Signed out: nothing kept.
  reset() {
    this.plot?.destroy()
    this.plot = null
    this.timeline = null
    this.hovered = null
    this.tbody.replaceChildren()
    this.chartEl.setAttribute('aria-label', 'Calls per hour: loading')
    for (const value of this.values.values()) value.textContent = '–'
    this.when.textContent = ''
  }

  #size() {
    return {
      width: Math.max(200, Math.floor(this.chartEl.clientWidth)),
      height: NARROW.matches ? CHART_HEIGHT_PX.narrow : CHART_HEIGHT_PX.wide,
    }
  }

  #fit() {
    if (this.plot && this.chartEl.clientWidth > 0) this.plot.setSize(this.#size())
  }

  #create(data) {
    const css = getComputedStyle(document.documentElement)
    const colour = (category) => css.getPropertyValue(`--${category}`).trim()
    const muted = css.getPropertyValue('--muted').trim()
    const line = css.getPropertyValue('--line').trim()
    const font = `12px ${css.fontFamily}`
    // Top of the stack first, so that each lower category is painted over it.
    const series = [...STACK].reverse().map((category) => ({
      label: categoryLabel(category),
      fill: colour(category),
      stroke: colour(category),
      width: 0,
      paths: uPlot.paths.bars({ size: [0.86, 80], align: 1 }),
      points: { show: false },
    }))
    const chart = this
    this.plot = new uPlot(
      {
        ...this.#size(),
        padding: [8, 28, 0, 0], // room for the last time label
        legend: { show: false },
        cursor: { points: { show: false }, drag: { x: false, y: false }, y: false },
        select: { show: false },
        scales: {
          // The whole window, the last bucket's end included: a bar starts at its bucket's start.
          x: { time: true, range: () => chart.#range() },
          y: { range: (u, min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
        },
        axes: [
          {
            stroke: muted,
            font,
            grid: { show: false },
            ticks: { stroke: line },
            space: 72, // between time labels: every 2 hours at 1366 px, every 6 on a phone
            values: (u, splits) => splits.map((s) => hourMinute.format(new Date(s * 1000))),
          },
          {
            stroke: muted,
            font,
            size: 44,
            grid: { stroke: line, width: 1 },
            ticks: { show: false },
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000],
            values: (u, splits) => splits.map((v) => v.toLocaleString()),
          },
        ],
        series: [{}, ...series],
        hooks: {
          setCursor: [(u) => chart.#hover(u.cursor.idx)],
        },
      },
      data,
      this.chartEl,
    )
    // The canvas says nothing to a screen reader: the label and the table do.
    for (const node of this.chartEl.querySelectorAll('canvas')) node.setAttribute('aria-hidden', 'true')
  }

  #range() {
    const t = this.timeline
    return t ? [Date.parse(t.start) / 1000, Date.parse(t.end) / 1000] : [0, 1]
  }

  #hover(idx) {
    const hovered = Number.isInteger(idx) ? idx : null
    if (hovered === this.hovered) return
    this.hovered = hovered
    this.#showValues()
  }

  // The legend: the window's totals, or the hovered bucket's counts.
  #showValues() {
    const t = this.timeline
    if (!t) return
    const bucket = this.hovered !== null ? t.buckets[this.hovered] : null
    for (const category of STACK) {
      const n = bucket ? bucket[category] : t.buckets.reduce((s, b) => s + b[category], 0)
      this.values.get(category).textContent = n.toLocaleString()
    }
    // What the legend's numbers are: one bucket's, or the window's.
    this.when.textContent = bucket ? bucketLabel(Date.parse(bucket.start), t.bucket_seconds) : 'Totals'
  }

  // The chart's label, and the table.
  #describe() {
    const t = this.timeline
    const names = describeWindow(t.bucket_seconds, (Date.parse(t.end) - Date.parse(t.start)) / 1000)
    this.title.textContent = `Calls created ${names.bucket}, ${names.span}`
    const sum = t.buckets.reduce((s, b) => s + total(b), 0)
    let busiest = null
    for (const b of t.buckets) if (total(b) > 0 && (!busiest || total(b) > total(busiest))) busiest = b
    const perCategory = STACK.map((c) => `${t.buckets.reduce((s, b) => s + b[c], 0).toLocaleString()} ${categoryLabel(c).toLowerCase()}`)
    const label = sum === 0
      ? `Bar chart: no calls created in the ${names.span}.`
      : `Bar chart of the ${sum.toLocaleString()} calls created in the ${names.span} (${perCategory.join(', ')}); ` +
        `busiest ${bucketLabel(Date.parse(busiest.start), t.bucket_seconds)}, ${total(busiest).toLocaleString()} calls. ` +
        'The table below lists each one.'
    this.chartEl.setAttribute('aria-label', label)
    this.caption.textContent = `Calls created ${names.bucket}, ${names.span}, by category`

    const multiDay = Date.parse(t.end) - Date.parse(t.start) > 86400_000
    const rows = t.buckets.map((b) => {
      const tr = el('tr')
      const th = el('th', bucketLabel(Date.parse(b.start), t.bucket_seconds, multiDay))
      th.scope = 'row'
      tr.append(th, ...STACK.map((c) => el('td', b[c].toLocaleString())), el('td', total(b).toLocaleString()))
      return tr
    })
    this.tbody.replaceChildren(...rows)
  }
}
