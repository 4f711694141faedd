/*
 * summary_function.cpp
 *		scheduled_outbound_calls_summary() RETURNS json
 *
 * Only the counts, {"success":true,"summary":{...}}, for a dashboard that
 * shows the totals without downloading every call.  The query counts per
 * status (an index-only scan with the recommended index); the handful of
 * statuses are then added up per category by the one mapping.
 */
#include "call_json.hpp"
#include "output_buffer.hpp"
#include "pg_guard.hpp"
#include "queries.hpp"
#include "summary_counts.hpp"
#include "text_datum.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_summary);
}

void
count_calls_by_category(Oid function_oid, std::int64_t counts[callboard::kCategoryCount])
{
	for (int i = 0; i < callboard::kCategoryCount; i++)
		counts[i] = 0;
	run_query(CallboardQuery::summary, function_oid, NULL, NULL, NULL);
	for (uint64 row = 0; row < SPI_processed; row++)
	{
		bool		status_null,
					count_null;
		HeapTuple	tuple = SPI_tuptable->vals[row];
		Datum		status = SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &status_null);
		std::int64_t count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &count_null));
		callboard::TextField text = text_bytes(status, status_null);

		CHECK_FOR_INTERRUPTS();
		counts[static_cast<int>(callboard::category_of_status(text.data, text.len))] += count;
	}
}

static Datum
build_summary_json(FunctionCallInfo fcinfo)
{
	std::int64_t counts[callboard::kCategoryCount];

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	count_calls_by_category(fcinfo->flinfo->fn_oid, counts);
	SPI_finish();

	/* In the caller's memory context again.  A few counts: no limit applies. */
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
