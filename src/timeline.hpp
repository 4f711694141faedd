/*
 * timeline.hpp
 *		What the timeline functions share: their window arguments, the
 *		counting of a window's calls, and the timeline's JSON.
 *
 * scheduled_outbound_calls_timeline(), scheduled_outbound_calls_overview()
 * and callboard_call_timeline_rows() all take (bucket interval, span
 * interval, until timestamptz) first, and count with the same query and the
 * same mapping, so the document, the page's chart and the BI view agree.
 */
#ifndef CALLBOARD_TIMELINE_HPP
#define CALLBOARD_TIMELINE_HPP

#include <cstdint>

#include "output_buffer.hpp"
#include "timeline_window.hpp"

extern "C" {
#include "postgres.h"

#include "fmgr.h"
}

/*
 * The window of arguments 0 (bucket), 1 (span) and 2 (until; NULL is the
 * transaction's start, now()), or ERROR 22023 with a hint.
 */
callboard::TimelineWindow timeline_window_argument(FunctionCallInfo fcinfo);

/*
 * Counts the outbound calls created in the window, per bucket and category,
 * into counts[bucket * kCategoryCount + category] (window.buckets *
 * kCategoryCount entries, zeroed by the caller).  Runs inside the caller's
 * SPI connection, in its snapshot.  `function_oid` is the calling function.
 */
void		count_timeline(const callboard::TimelineWindow &window, Oid function_oid, std::int64_t *counts);

/* Appends "timeline":{...} (timeline_json.hpp) to `out`. */
void		append_timeline(OutputBuffer *out, const callboard::TimelineWindow &window,
							const std::int64_t *counts);

#endif
