/*
 * scheduled_outbound_calls.cpp
 *		scheduled_outbound_calls(status text DEFAULT NULL) RETURNS json
 *
 * The dashboard's question in one call: every outbound call, grouped by
 * category (call_category.hpp), newest first, with a summary.  One query,
 * run read-only in the caller's snapshot, streams its rows into the
 * document, so the lists and the totals always agree.  The stream
 * (calls_stream.cpp) writes the same document with the same query and
 * receiver, a chunk at a time.
 */
#include "arguments.hpp"
#include "call_category.hpp"
#include "callboard.hpp"
#include "queries.hpp"
#include "calls_receiver.hpp"
#include "output_buffer.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls);
}

static Datum
build_calls_json(FunctionCallInfo fcinfo)
{
	callboard::Filter filter = status_filter_argument(fcinfo, 0);
	OutputBuffer out;
	CallsReceiver receiver;

	/* In the caller's memory context, so the result outlives SPI_finish(). */
	out.init(callboard_output_limit(), VARHDRSZ);
	calls_receiver_init(&receiver, &out, SIZE_MAX);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	Datum		rank = Int32GetDatum(callboard::category_rank(filter.category));
	char		rank_null = filter.kind == callboard::Filter::one ? ' ' : 'n';

	run_query(CallboardQuery::calls, fcinfo->flinfo->fn_oid, &rank, &rank_null, &receiver.pub);
	SPI_finish();

	calls_receiver_finish(&receiver);

	return out.finish_json("scheduled_outbound_calls", kDocumentLimitHint);
}

extern "C" Datum
scheduled_outbound_calls(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls", [&] { return build_calls_json(fcinfo); });
}
