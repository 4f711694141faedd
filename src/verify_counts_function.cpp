/*
 * verify_counts_function.cpp
 *		callboard_verify_counts() RETURNS TABLE (category text, kept bigint, counted bigint)
 *
 * The kept counts (kept_counts.hpp) beside a count of every outbound call
 * of the twilio_calls the search_path finds, both in one snapshot: for a
 * DBA who wants to see that they agree.  kept is NULL when the counts
 * are not kept (the signal is off, or a trigger stopped them).  Both are of
 * every row, whatever the policies, so EXECUTE is not granted to PUBLIC.
 */
#include "kept_counts.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "catalog/namespace.h"
#include "fmgr.h"
#include "funcapi.h"
#include "nodes/makefuncs.h"
#include "storage/lmgr.h"
#include "utils/snapmgr.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(callboard_verify_counts);
}

extern "C" Datum
callboard_verify_counts(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_verify_counts", [&] {
		Oid			namespace_oid = get_func_namespace(fcinfo->flinfo->fn_oid);
		Oid			calls = RangeVarGetRelid(makeRangeVar(NULL, pstrdup("twilio_calls"), -1), NoLock, false);
		int64		kept[callboard::kCategoryCount];
		int64		counted[callboard::kCategoryCount];
		bool		is_kept;

		/*
		 * Lock first, then a snapshot (READ COMMITTED): one taken before a
		 * TRUNCATE that commits while this waits for its lock would find the
		 * table empty and the counts as they were (TRUNCATE is not MVCC-safe).
		 */
		LockRelationOid(calls, AccessShareLock);
		PushActiveSnapshot(GetTransactionSnapshot());
		is_kept = read_kept_counts(namespace_oid, kept);
		count_every_row(namespace_oid, calls, false, counted);
		PopActiveSnapshot();
		InitMaterializedSRF(fcinfo, 0);
		ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

		for (int i = 0; i < callboard::kCategoryCount; i++)
		{
			Datum		values[3] = {
				CStringGetTextDatum(callboard::category_name(static_cast<callboard::Category>(i))),
				Int64GetDatum(kept[i]),
				Int64GetDatum(counted[i]),
			};
			bool		nulls[3] = {false, !is_kept, false};

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	});
	return (Datum) 0;
}
