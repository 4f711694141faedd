/*
 * call_totals_function.cpp
 *		callboard_call_totals() RETURNS TABLE (category_rank integer, total bigint)
 *
 * The number of outbound calls the caller may see in each category, all
 * four always present: the rows behind the BI view callboard_call_summary,
 * counted exactly as scheduled_outbound_calls_summary() counts them (kept
 * counts when they answer the caller, else a scan; kept_counts.hpp).
 */
#include "kept_counts.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "fmgr.h"
#include "funcapi.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(callboard_call_totals);
}

extern "C" Datum
callboard_call_totals(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_call_totals", [&] {
		int64		counts[callboard::kCategoryCount];

		outbound_call_counts(fcinfo->flinfo->fn_oid, counts);
		InitMaterializedSRF(fcinfo, 0);
		ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

		for (int i = 0; i < callboard::kCategoryCount; i++)
		{
			Datum		values[2] = {
				Int32GetDatum(callboard::category_rank(static_cast<callboard::Category>(i))),
				Int64GetDatum(counts[i]),
			};
			bool		nulls[2] = {false, false};

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	});
	return (Datum) 0;
}
