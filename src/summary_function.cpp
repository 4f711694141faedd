/*
 * summary_function.cpp
 *		scheduled_outbound_calls_summary() RETURNS json
 *
 * Only the counts, {"success":true,"summary":{...}}, for a dashboard that
 * shows the totals without downloading every call.  With the change signal
 * on, they are the counts kept as changes commit, whenever those are what
 * the caller's scan would count (kept_counts.hpp); otherwise the query
 * counts per status (an index-only scan with the recommended index) and the
 * handful of statuses are added up per category by the one mapping.
 */
#include "call_json.hpp"
#include "kept_counts.hpp"
#include "output_buffer.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "fmgr.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_summary);
}

static Datum
build_summary_json(FunctionCallInfo fcinfo)
{
	int64		counts[callboard::kCategoryCount];

	outbound_call_counts(fcinfo->flinfo->fn_oid, counts);

	/* A few counts: no limit applies. */
	OutputBuffer out;

	out.init(kJsonValueLimit, VARHDRSZ);
	out.append([&](auto &json) { callboard::write_summary_document(json, counts); });
	return out.finish_json("scheduled_outbound_calls_summary", "");
}

extern "C" Datum
scheduled_outbound_calls_summary(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls_summary", [&] { return build_summary_json(fcinfo); });
}
