/*
 * overview_function.cpp
 *		scheduled_outbound_calls_overview(bucket interval DEFAULT '1 hour',
 *										  span interval DEFAULT '24 hours',
 *										  until timestamptz DEFAULT NULL) RETURNS json
 *
 * The summary's counts and the timeline in one document, from one snapshot:
 *   {"success":true,"summary":{...},"timeline":{...}}
 * For a page that shows both live: one event stream instead of two, where a
 * browser has six connections per server for all of its streams and
 * requests.  Every change that moves the timeline can move the counts, so
 * one document refreshes no more often than the two would.
 */
#include "callboard.hpp"
#include "output_buffer.hpp"
#include "pg_guard.hpp"
#include "kept_counts.hpp"
#include "timeline.hpp"
#include "timeline_json.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_overview);
}

static Datum
build_overview_json(FunctionCallInfo fcinfo)
{
	callboard::TimelineWindow window = timeline_window_argument(fcinfo);
	std::int64_t summary[callboard::kCategoryCount];
	/* In the caller's memory context, so that it outlives SPI_finish(). */
	std::int64_t *counts = static_cast<std::int64_t *>(
		palloc0(sizeof(std::int64_t) * window.buckets * callboard::kCategoryCount));

	/* Both read in the caller's snapshot: the same calls. */
	outbound_call_counts(fcinfo->flinfo->fn_oid, summary);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	count_timeline(window, fcinfo->flinfo->fn_oid, counts);
	SPI_finish();

	OutputBuffer out;

	out.init(callboard_output_limit(), VARHDRSZ);
	out.append([&](auto &json) { callboard::write_timeline_document_start(json, summary); });
	append_timeline(&out, window, counts);
	out.append([](auto &json) { callboard::write_timeline_document_end(json); });
	pfree(counts);
	return out.finish_json("scheduled_outbound_calls_overview",
						   "Pass a longer bucket or a shorter span, or raise callboard.max_output_bytes.");
}

extern "C" Datum
scheduled_outbound_calls_overview(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls_overview",
								   [&] { return build_overview_json(fcinfo); });
}
