/*
 * queries.hpp
 *		The queries behind callboard's SQL functions, prepared once per backend.
 *
 * Every call query returns the same columns (CallColumn), so one row reader
 * serves the whole document and the pages.
 */
#ifndef CALLBOARD_QUERIES_HPP
#define CALLBOARD_QUERIES_HPP

extern "C" {
#include "postgres.h"

#include "tcop/dest.h"
#include "utils/portal.h"
}

/*
 * Result columns of the call queries, in order.  The sort keys come first,
 * the category's rank included: fixed-width and never NULL, their offsets
 * in a tuple are cached, where after the text columns every read of a key
 * by the sort would walk the tuple.
 */
enum CallColumn
{
	COL_RANK,					/* callboard_call_category_rank(status) */
	COL_CREATED_AT,
	COL_CALL_ID,
	COL_CALL_SID,
	COL_TO_NUMBER,
	COL_CUSTOMER_NAME,
	COL_STATUS,
	COL_AGENT_ID,
	COL_AGENT_NAME,
	COL_STARTED_AT,
	COL_DURATION,
	CALL_COLUMN_COUNT
};

/* The type of each column (the queries cast to exactly these). */
extern const Oid kCallColumnTypes[CALL_COLUMN_COUNT];

enum class CallboardQuery
{
	/* $1 rank or NULL: every outbound call, by rank, newest first, ties by id */
	calls,
	/* $1 rank, $2 limit: the newest calls of one category */
	page_first,
	/* $1 rank, $2 limit, $3 created_at, $4 id: the calls after that one */
	page_next,
	/* (status, count) of the outbound calls, for each status there is */
	summary,
	/* $1 start, $2 end: (created_at, status) of the outbound calls created in [start, end) */
	timeline,
};

/* Result columns of the timeline query, in order. */
enum TimelineColumn
{
	TIMELINE_CREATED_AT,
	TIMELINE_STATUS,
	TIMELINE_COLUMN_COUNT
};

/*
 * Runs `query` inside the caller's SPI connection, read-only (so in the
 * caller's snapshot).  Rows go to `dest`, or to SPI_tuptable when dest is
 * NULL.  `function_oid` is the calling callboard function, whose schema
 * names the helpers the queries call.  Parameters as for SPI_execute_plan.
 */
void		run_query(CallboardQuery query, Oid function_oid, Datum *values, const char *nulls, DestReceiver *dest);

/*
 * Opens `query` as a read-only, forward-only cursor in the caller's snapshot
 * (inside the caller's SPI connection; the portal outlives SPI_finish() and
 * lives until it is closed or the transaction ends).  Arguments as for
 * run_query().
 */
Portal		open_query_cursor(CallboardQuery query, Oid function_oid, Datum *values, const char *nulls);

#endif
