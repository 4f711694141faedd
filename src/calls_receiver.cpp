/*
 * calls_receiver.cpp
 *		Rows of the calls query -> the CALL objects and lists of the document.
 *
 * Each column is read as the Datum the executor holds (call_row.cpp) and
 * formatted by call_json.cpp.  No output function runs.
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

	int			category = static_cast<int>(callboard::category_of_status(call.status.data,
																		  call.status.len));

	/* The query sorts by the same mapping, so lists only ever move forward. */
	if (category < receiver->open_category)
		elog(ERROR, "calls query returned rows out of category order");

	char	   *out = output_reserve(receiver->out,
									 callboard::kAdvanceMaxLen + 1 + callboard::call_max_len(call));

	if (category != receiver->open_category)
	{
		out = callboard::write_advance_to_category(out, receiver->open_category, category);
		receiver->open_category = category;
	}
	else
		out = callboard::write_call_separator(out);

	out = write_call_row(out, call, slot->tts_values, slot->tts_isnull);
	output_commit(receiver->out, out);
	receiver->counts[category]++;
}

static bool
calls_receive_slot(TupleTableSlot *slot, DestReceiver *self)
{
	callboard::guard("scheduled_outbound_calls", [&] {
		write_row(reinterpret_cast<CallsReceiver *>(self), slot);
	});
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
calls_receiver_init(CallsReceiver *receiver, OutputBuffer *out)
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
	receiver->open_category = -1;

	char	   *start = output_reserve(out, callboard::kDocumentStartMaxLen);

	output_commit(out, callboard::write_document_start(start));
}

void
calls_receiver_finish(CallsReceiver *receiver)
{
	char	   *out = output_reserve(receiver->out,
									 callboard::kAdvanceMaxLen + callboard::kDocumentEndMaxLen);

	out = callboard::write_advance_to_category(out, receiver->open_category,
											   callboard::kCategoryCount);
	out = callboard::write_document_end(out, receiver->counts);
	output_commit(receiver->out, out);
	MemoryContextDelete(receiver->row_context);
}
