/*
 * timeline_rows_function.cpp
 *		callboard_call_timeline_rows(bucket interval DEFAULT '1 hour',
 *									 span interval DEFAULT '24 hours',
 *									 until timestamptz DEFAULT NULL)
 *		RETURNS TABLE (bucket_start timestamptz, bucket_end timestamptz,
 *					   category text, category_rank integer, calls bigint)
 *
 * The timeline as rows, for BI tools (and the view callboard_call_timeline,
 * its defaults): one row per bucket and category, every bucket and all four
 * categories present, zeros included, by bucket then rank.  The same window
 * and counts as scheduled_outbound_calls_timeline().  At most 1440 buckets,
 * so the rows are kept in a tuplestore and returned at once.
 */
#include "call_category.hpp"
#include "pg_guard.hpp"
#include "timeline.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(callboard_call_timeline_rows);
}

static void
build_timeline_rows(FunctionCallInfo fcinfo)
{
	callboard::TimelineWindow window = timeline_window_argument(fcinfo);

	/* The tuplestore lives in the query's memory (per-query context). */
	InitMaterializedSRF(fcinfo, 0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	std::int64_t *counts = static_cast<std::int64_t *>(
		palloc0(sizeof(std::int64_t) * window.buckets * callboard::kCategoryCount));

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	count_timeline(window, fcinfo->flinfo->fn_oid, counts);
	SPI_finish();

	Datum		names[callboard::kCategoryCount];

	for (int category = 0; category < callboard::kCategoryCount; category++)
		names[category] = CStringGetTextDatum(callboard::category_name(static_cast<callboard::Category>(category)));

	for (int bucket = 0; bucket < window.buckets; bucket++)
	{
		TimestampTz start = window.start + bucket * window.bucket_usecs;

		CHECK_FOR_INTERRUPTS();
		for (int category = 0; category < callboard::kCategoryCount; category++)
		{
			Datum		values[5] = {
				TimestampTzGetDatum(start),
				TimestampTzGetDatum(start + window.bucket_usecs),
				names[category],
				Int32GetDatum(callboard::category_rank(static_cast<callboard::Category>(category))),
				Int64GetDatum(counts[bucket * callboard::kCategoryCount + category]),
			};
			bool		nulls[5] = {false, false, false, false, false};

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	pfree(counts);
}

extern "C" Datum
callboard_call_timeline_rows(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_call_timeline_rows", [&] { build_timeline_rows(fcinfo); });
	return (Datum) 0;
}
