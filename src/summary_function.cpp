/*
 * summary_function.cpp
 *		scheduled_outbound_calls_summary() RETURNS json
 *
 * Only the counts, {"success":true,"summary":{...}}, for a dashboard that
 * shows the totals without downloading every call.  One GROUP BY query;
 * with the recommended index it needs no sort.
 */
#include "call_json.hpp"
#include "pg_guard.hpp"
#include "queries.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_summary);
}

static Datum
build_summary_json(FunctionCallInfo fcinfo)
{
	std::int64_t counts[callboard::kCategoryCount] = {0, 0, 0, 0};

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	run_query(CallboardQuery::summary, fcinfo->flinfo->fn_oid, NULL, NULL, NULL);
	for (uint64 row = 0; row < SPI_processed; row++)
	{
		bool		rank_null,
					count_null;
		HeapTuple	tuple = SPI_tuptable->vals[row];
		int			rank = DatumGetInt32(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &rank_null));
		std::int64_t count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &count_null));

		CHECK_FOR_INTERRUPTS();
		if (rank_null || count_null || rank < 1 || rank > callboard::kCategoryCount)
			elog(ERROR, "summary query returned rank %d", rank);
		counts[rank - 1] = count;
	}
	SPI_finish();

	/* In the caller's memory context again. */
	char	   *result = (char *) palloc(VARHDRSZ + callboard::kSummaryDocumentMaxLen);
	char	   *end = callboard::write_summary_document(result + VARHDRSZ, counts);

	SET_VARSIZE(result, end - result);
	return PointerGetDatum(result);
}

extern "C" Datum
scheduled_outbound_calls_summary(PG_FUNCTION_ARGS)
{
	Datum		result = (Datum) 0;

	callboard::guard("scheduled_outbound_calls_summary", [&] {
		result = build_summary_json(fcinfo);
	});
	PG_RETURN_DATUM(result);
}
