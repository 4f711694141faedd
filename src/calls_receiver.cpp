/*
 * calls_receiver.cpp
 *		Rows of the calls query -> the CALL objects and lists of the document.
 *
 * Each column is read as the Datum the executor holds (call_row.cpp) and
 * formatted by call_json.hpp through the output buffer.  No output function
 * runs.
 */
#include "calls_receiver.hpp"

#include "call_json.hpp"
#include "call_row.hpp"
#include "pg_guard.hpp"
#include "queries.hpp"

extern "C" {
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/memutils.h"
}

static void
write_row(CallsReceiver *receiver, TupleTableSlot *slot)
{
	CHECK_FOR_INTERRUPTS();

	MemoryContextReset(receiver->row_context);
	MemoryContext caller_context = MemoryContextSwitchTo(receiver->row_context);

	slot_getallattrs(slot);
	callboard::CallFields call = read_call_fields(slot->tts_values, slot->tts_isnull);

	MemoryContextSwitchTo(caller_context);

	/* The query's rank is the mapping of call.status, computed for the sort. */
	int			category = DatumGetInt32(slot->tts_values[COL_RANK]) - 1;
	int			open = receiver->open_category;
	const char *bad_column = nullptr;

	/* The query sorts by the rank, so lists only ever move forward. */
	if (category < open || category >= callboard::kCategoryCount)
		elog(ERROR, "calls query returned rank %d after rank %d", category + 1, open + 1);

	bool		written = receiver->out->append([&](auto &out) {
		if (category != open)
			callboard::write_advance_to_category(out, open, category);
		else
			callboard::write_call_separator(out);
		return callboard::write_call(out, call, &bad_column);
	});

	if (!written)
		report_unprintable_timestamp(bad_column, slot->tts_values, slot->tts_isnull);
	receiver->open_category = category;
	receiver->counts[category]++;
}

static bool
calls_receive_slot(TupleTableSlot *slot, DestReceiver *self)
{
	CallsReceiver *receiver = reinterpret_cast<CallsReceiver *>(self);

	callboard::guard("scheduled_outbound_calls", [&] { write_row(receiver, slot); });
	if (receiver->out->pending() >= receiver->pause_at)
	{
		receiver->paused = true;
		return false;			/* the executor stops after this row */
	}
	return true;
}

static void
calls_startup(DestReceiver *self, int operation, TupleDesc typeinfo)
{
	callboard::guard("scheduled_outbound_calls", [&] {
		/* The query casts every column; this only guards against a future edit. */
		if (typeinfo->natts != CALL_COLUMN_COUNT)
			elog(ERROR, "calls query returns %d columns, expected %d",
				 typeinfo->natts, CALL_COLUMN_COUNT);
		for (int i = 0; i < CALL_COLUMN_COUNT; i++)
			if (TupleDescAttr(typeinfo, i)->atttypid != kCallColumnTypes[i])
				elog(ERROR, "calls query column %d has type %u, expected %u",
					 i + 1, TupleDescAttr(typeinfo, i)->atttypid, kCallColumnTypes[i]);
	});
}

static void
calls_shutdown(DestReceiver *self)
{
}

static void
calls_destroy(DestReceiver *self)
{
}

void
calls_receiver_init(CallsReceiver *receiver, OutputBuffer *out, std::size_t pause_at)
{
	memset(receiver, 0, sizeof(*receiver));
	receiver->pub.receiveSlot = calls_receive_slot;
	receiver->pub.rStartup = calls_startup;
	receiver->pub.rShutdown = calls_shutdown;
	receiver->pub.rDestroy = calls_destroy;
	receiver->pub.mydest = DestNone;
	receiver->out = out;
	receiver->row_context = AllocSetContextCreate(CurrentMemoryContext,
												  "callboard row",
												  ALLOCSET_SMALL_SIZES);
	receiver->pause_at = pause_at;
	receiver->open_category = -1;

	out->append([](auto &json) { callboard::write_document_start(json); });
}

void
calls_receiver_finish(CallsReceiver *receiver)
{
	int			open = receiver->open_category;
	const std::int64_t *counts = receiver->counts;

	receiver->out->append([&](auto &json) {
		callboard::write_advance_to_category(json, open, callboard::kCategoryCount);
		callboard::write_document_end(json, counts);
	});
	MemoryContextDelete(receiver->row_context);
}
