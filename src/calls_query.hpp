/*
 * calls_query.hpp
 *		The one query behind scheduled_outbound_calls().
 */
#ifndef CALLBOARD_CALLS_QUERY_HPP
#define CALLBOARD_CALLS_QUERY_HPP

#include "call_category.hpp"

extern "C" {
#include "postgres.h"

#include "tcop/dest.h"
}

/* Result columns, in the order the query returns them. */
enum CallColumn
{
	COL_CALL_ID,
	COL_CALL_SID,
	COL_TO_NUMBER,
	COL_CUSTOMER_NAME,
	COL_STATUS,
	COL_AGENT_ID,
	COL_AGENT_NAME,
	COL_CREATED_AT,
	COL_STARTED_AT,
	COL_DURATION,
	CALL_COLUMN_COUNT
};

/* The type of each column (the query casts to exactly these). */
extern const Oid kCallColumnTypes[CALL_COLUMN_COUNT];

/*
 * Runs the query inside the caller's SPI connection, read-only (so in the
 * caller's snapshot), sending every row to `dest`: outbound calls, sorted
 * by category, newest first, ties by id.  `function_oid` is a callboard
 * function, whose schema names the helper the query calls.
 */
void		run_calls_query(Oid function_oid, callboard::Filter filter, DestReceiver *dest);

#endif
