/*
 * calls_stream.cpp
 *		scheduled_outbound_calls_chunks(status text DEFAULT NULL,
 *										chunk_bytes integer DEFAULT 65536)
 *		RETURNS SETOF text
 *
 * The document of scheduled_outbound_calls(status) as a sequence of text
 * chunks, each at most chunk_bytes bytes and ending on a character boundary,
 * whose concatenation is the json function's value byte for byte.  It holds
 * one chunk and one call at a time, so it has no size limit: the document
 * may be larger than the 1 GB a value can hold.
 *
 * The rows come from the same query and the same receiver as the json
 * function (calls_receiver.cpp), read through a cursor opened on the first
 * call: the receiver stops the executor once a chunk's worth of bytes is
 * pending, each call cuts a chunk and runs the cursor again when less than a
 * chunk is left.  The cursor holds the caller's snapshot from the first call
 * to the last, so the whole stream is one snapshot.
 *
 * It returns one value per call (ValuePerCall), so it streams when called in
 * the select list (SELECT scheduled_outbound_calls_chunks(...)), where
 * ProjectSet passes each chunk on before asking for the next.  In FROM,
 * PostgreSQL's FunctionScan stores every chunk in a tuplestore before the
 * first is returned.
 *
 * Every error the json function raises before writing (the filter, the
 * chunk size, a missing table or column, a privilege) is raised by the first
 * call, before any chunk.  Errors found in rows (a timestamp the format
 * cannot show) and cancels come when they happen, after the chunks before
 * them.
 */
#include <cstdint>
#include <type_traits>

#include "arguments.hpp"
#include "call_category.hpp"
#include "callboard.hpp"
#include "calls_receiver.hpp"
#include "output_buffer.hpp"
#include "pg_guard.hpp"
#include "queries.hpp"

extern "C" {
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "tcop/pquery.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/portal.h"

PG_FUNCTION_INFO_V1(scheduled_outbound_calls_chunks);
}

/* The chunk sizes accepted: room for any character, and a bound on memory. */
static const int kMinChunkBytes = 16;
static const int kMaxChunkBytes = 64 * 1024 * 1024;

/* What the stream keeps between calls, in the SRF's multi-call context. */
struct CallsStream
{
	OutputBuffer out;			/* the document's bytes not yet returned */
	CallsReceiver receiver;		/* writes rows into out, pausing at a chunk */
	char	   *portal_name;	/* the cursor over the rows; NULL once closed */
	std::size_t chunk_bytes;
	std::size_t limit;			/* callboard_stream_limit() when it began */
	bool		rows_done;		/* every row is written, and the document end */
	ExprContext *econtext;		/* where close_on_shutdown() is registered */
};

/* Held across calls and across PostgreSQL's, which may longjmp over it. */
static_assert(std::is_trivially_destructible<CallsStream>::value,
			  "a CallsStream must not need a destructor");

static std::size_t
chunk_bytes_argument(FunctionCallInfo fcinfo, int argno)
{
	int			bytes = PG_ARGISNULL(argno) ? 0 : PG_GETARG_INT32(argno);

	if (PG_ARGISNULL(argno) || bytes < kMinChunkBytes || bytes > kMaxChunkBytes)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("chunk_bytes must be between %d and %d", kMinChunkBytes, kMaxChunkBytes),
				 PG_ARGISNULL(argno) ? 0 : errdetail("The value was %d.", bytes),
				 errhint("The default, 65536, suits most clients; the stream holds about one chunk in memory.")));
	return bytes;
}

/*
 * Closes the cursor, if it is still open.  It is looked up by name, so a
 * cursor already dropped (at the end of the transaction) is not touched.
 */
static void
close_cursor(CallsStream *stream)
{
	if (stream->portal_name == NULL)
		return;

	Portal		portal = SPI_cursor_find(stream->portal_name);

	stream->portal_name = NULL;
	if (portal != NULL)
		SPI_cursor_close(portal);
}

/*
 * The caller stopped before the end (LIMIT, a cursor closed early, a rescan):
 * the executor shuts the expression context down, and the cursor goes with
 * it rather than at the end of the transaction.
 */
static void
close_on_shutdown(Datum arg)
{
	callboard::guard("scheduled_outbound_calls_chunks", [&] {
		close_cursor(reinterpret_cast<CallsStream *>(DatumGetPointer(arg)));
	});
}

/* First call: the arguments, the cursor over the rows, the document start. */
static void
start_stream(FunctionCallInfo fcinfo)
{
	callboard::Filter filter = status_filter_argument(fcinfo, 0);
	std::size_t chunk_bytes = chunk_bytes_argument(fcinfo, 1);
	FuncCallContext *funcctx = SRF_FIRSTCALL_INIT();
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext caller_context = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
	CallsStream *stream = (CallsStream *) palloc0(sizeof(CallsStream));

	stream->chunk_bytes = chunk_bytes;
	stream->limit = callboard_stream_limit();
	stream->out.init(SIZE_MAX, 0);
	calls_receiver_init(&stream->receiver, &stream->out, chunk_bytes);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	Datum		rank = Int32GetDatum(callboard::category_rank(filter.category));
	char		rank_null = filter.kind == callboard::Filter::one ? ' ' : 'n';
	Portal		portal = open_query_cursor(CallboardQuery::calls, fcinfo->flinfo->fn_oid,
										   &rank, &rank_null);

	stream->portal_name = MemoryContextStrdup(funcctx->multi_call_memory_ctx, portal->name);
	SPI_finish();

	stream->econtext = rsinfo->econtext;
	RegisterExprContextCallback(stream->econtext, close_on_shutdown, PointerGetDatum(stream));
	funcctx->user_fctx = stream;
	MemoryContextSwitchTo(caller_context);
}

/*
 * Runs the cursor until the receiver has a chunk's worth of bytes pending
 * and stops the executor, or the rows end; then writes the document end and
 * closes the cursor.
 */
static void
read_rows(CallsStream *stream)
{
	Portal		portal = SPI_cursor_find(stream->portal_name);

	if (portal == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_CURSOR_STATE),
				 errmsg("the cursor of scheduled_outbound_calls_chunks() was closed before the stream ended"),
				 errhint("Read the stream within the transaction that started it.")));

	stream->out.compact();
	stream->receiver.paused = false;
	PortalRunFetch(portal, FETCH_FORWARD, FETCH_ALL, &stream->receiver.pub);

	if (stream->receiver.paused)
	{
		/*
		 * PortalRunSelect() takes fewer rows than asked for as the end of the
		 * rows and marks the portal atEnd, after which it would never run
		 * the executor again.  Here the receiver stopped it: the row it
		 * stopped on is written, and the executor resumes after it on the
		 * next fetch, as for a FETCH of a NO SCROLL cursor.  (The row is not
		 * counted in portalPos, which only absolute fetches read, and this
		 * cursor is never fetched but forward.)  The only supported
		 * alternative, fetching a count of rows, would bound the buffer by
		 * rows rather than bytes.
		 */
		portal->atEnd = false;
		return;
	}

	calls_receiver_finish(&stream->receiver);
	close_cursor(stream);
	UnregisterExprContextCallback(stream->econtext, close_on_shutdown, PointerGetDatum(stream));
	stream->rows_done = true;
}

/*
 * How many of the `len` bytes at `data` the next chunk takes: at most
 * `limit`, ending on a character boundary of the database encoding (data
 * starts on one).  In every server encoding a byte below 0x80 is a whole
 * character and never part of another (SJIS and the other encodings whose
 * trailing bytes can be ASCII are client-only), so a chunk may end right
 * after the last such byte before the limit, and pg_mbcliplen() walks only
 * the multi-byte characters after it; JSON's punctuation is ASCII, so they
 * are few.
 */
static std::size_t
chunk_length(const char *data, std::size_t len, std::size_t limit)
{
	if (len <= limit)
		return len;

	std::size_t start = limit;

	while (start > 0 && IS_HIGHBIT_SET(data[start - 1]))
		start--;

	int			tail = static_cast<int>(Min(len - start, limit - start + MAX_MULTIBYTE_CHAR_LEN));
	std::size_t clipped = start + pg_mbcliplen(data + start, tail, static_cast<int>(limit - start));

	Assert(clipped > 0 && clipped <= limit);
	return clipped;
}

/* The next chunk as a text value in the caller's memory, or false at the end. */
static bool
next_chunk(CallsStream *stream, Datum *chunk)
{
	CHECK_FOR_INTERRUPTS();

	if (!stream->rows_done && stream->out.pending() < stream->chunk_bytes)
		read_rows(stream);
	if (stream->out.total() > stream->limit)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("scheduled_outbound_calls() output would be more than %zu bytes, over the limit of %zu bytes",
						stream->out.total(), stream->limit),
				 errdetail("The limit is callboard.max_output_bytes, set below its default."),
				 errhint("%s", kDocumentLimitHint)));
	if (stream->out.pending() == 0)
		return false;

	std::size_t len = chunk_length(stream->out.pending_data(), stream->out.pending(),
								   stream->chunk_bytes);
	text	   *result = (text *) palloc(VARHDRSZ + len);

	memcpy(VARDATA(result), stream->out.pending_data(), len);
	SET_VARSIZE(result, VARHDRSZ + len);
	stream->out.consume(len);
	*chunk = PointerGetDatum(result);
	return true;
}

extern "C" Datum
scheduled_outbound_calls_chunks(PG_FUNCTION_ARGS)
{
	return callboard::guarded_call("scheduled_outbound_calls_chunks", [&]() -> Datum {
		if (SRF_IS_FIRSTCALL())
			start_stream(fcinfo);

		FuncCallContext *funcctx = SRF_PERCALL_SETUP();
		Datum		chunk;

		if (next_chunk(static_cast<CallsStream *>(funcctx->user_fctx), &chunk))
			SRF_RETURN_NEXT(funcctx, chunk);
		SRF_RETURN_DONE(funcctx);
	});
}
