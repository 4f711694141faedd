/*
 * category_functions.cpp
 *		callboard_call_category(status text) RETURNS text
 *		callboard_call_category_rank(status text) RETURNS integer
 *		callboard_categories() RETURNS TABLE (category_rank integer, category text)
 *
 * The mapping of call_category.hpp for SQL: views and BI queries group with
 * the very code scheduled_outbound_calls() uses.  The rank (1 pending ..
 * 4 failed) is the order of the document's lists; the JSON query sorts by it.
 */
#include "call_category.hpp"
#include "pg_guard.hpp"
#include "text_datum.hpp"

extern "C" {
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(callboard_call_category);
PG_FUNCTION_INFO_V1(callboard_call_category_rank);
PG_FUNCTION_INFO_V1(callboard_categories);
}

/* Not STRICT: a NULL status is "any other value", hence failed. */
static callboard::Category
category_of_status_argument(FunctionCallInfo fcinfo)
{
	callboard::TextField status = text_argument(fcinfo, 0);

	return callboard::category_of_status(status.data, status.len);
}

extern "C" Datum
callboard_call_category(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("callboard_call_category", [&] {
		return PointerGetDatum(cstring_to_text(callboard::category_name(category_of_status_argument(fcinfo))));
	});
}

extern "C" Datum
callboard_call_category_rank(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("callboard_call_category_rank", [&] {
		return Int32GetDatum(callboard::category_rank(category_of_status_argument(fcinfo)));
	});
}

/* The four categories in output order, for views that must show all of them. */
extern "C" Datum
callboard_categories(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_categories", [&] {
		InitMaterializedSRF(fcinfo, 0);
		ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

		for (int i = 0; i < callboard::kCategoryCount; i++)
		{
			callboard::Category category = static_cast<callboard::Category>(i);
			Datum		values[2] = {
				Int32GetDatum(callboard::category_rank(category)),
				CStringGetTextDatum(callboard::category_name(category)),
			};
			bool		nulls[2] = {false, false};

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	});
	return (Datum) 0;
}
