/*
 * timeline_function.cpp
 *		scheduled_outbound_calls_timeline(bucket interval DEFAULT '1 hour',
 *										  span interval DEFAULT '24 hours',
 *										  until timestamptz DEFAULT NULL) RETURNS json
 *
 * How the day is going: the outbound calls created in each bucket of the
 * window, per category (timeline_json.hpp).  Its cost follows the window,
 * not the table: with the index docs/sql-api.md recommends, an index-only range scan
 * of the window's calls.
 */
#include "callboard.hpp"
#include "output_buffer.hpp"
#include "pg_guard.hpp"
#include "timeline.hpp"
#include "timeline_json.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_timeline);
}

static Datum
build_timeline_json(FunctionCallInfo fcinfo)
{
	callboard::TimelineWindow window = timeline_window_argument(fcinfo);
	/* In the caller's memory context, so that it outlives SPI_finish(). */
	std::int64_t *counts = static_cast<std::int64_t *>(
		palloc0(sizeof(std::int64_t) * window.buckets * callboard::kCategoryCount));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	count_timeline(window, fcinfo->flinfo->fn_oid, counts);
	SPI_finish();

	OutputBuffer out;

	out.init(callboard_output_limit(), VARHDRSZ);
	out.append([](auto &json) { callboard::write_timeline_document_start(json, nullptr); });
	append_timeline(&out, window, counts);
	out.append([](auto &json) { callboard::write_timeline_document_end(json); });
	pfree(counts);
	return out.finish_json("scheduled_outbound_calls_timeline",
						   "Pass a longer bucket or a shorter span, or raise callboard.max_output_bytes.");
}

extern "C" Datum
scheduled_outbound_calls_timeline(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls_timeline",
								   [&] { return build_timeline_json(fcinfo); });
}
