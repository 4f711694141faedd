/*
 * calls_receiver.cpp
 *		Rows of the calls query -> the CALL objects and lists of the document.
 *
 * Each column is read as the Datum the executor holds: uuids and timestamps
 * as their binary values, text as bytes (detoasted only when compressed or
 * out of line), and formatted by call_json.cpp.  No output function runs.
 */
#include "calls_receiver.hpp"

#include "call_json.hpp"
#include "calls_query.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "executor/tuptable.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"
}

using callboard::CallFields;
using callboard::TextField;
using callboard::TimestampField;

static TextField
text_field(TupleTableSlot *slot, int column)
{
	if (slot->tts_isnull[column])
		return {nullptr, 0};

	struct varlena *value = pg_detoast_datum_packed((struct varlena *)
													DatumGetPointer(slot->tts_values[column]));

	return {VARDATA_ANY(value), VARSIZE_ANY_EXHDR(value)};
}

static const unsigned char *
uuid_field(TupleTableSlot *slot, int column)
{
	if (slot->tts_isnull[column])
		return nullptr;
	return DatumGetUUIDP(slot->tts_values[column])->data;
}

static TimestampField
timestamp_field(TupleTableSlot *slot, int column)
{
	if (slot->tts_isnull[column])
		return {true, 0};
	return {false, DatumGetTimestampTz(slot->tts_values[column])};
}

static void
report_unprintable_timestamp(TupleTableSlot *slot, const char *column)
{
	int			attno = strcmp(column, "created_at") == 0 ? COL_CREATED_AT : COL_STARTED_AT;
	const char *id = slot->tts_isnull[COL_CALL_ID] ? "(null)" :
		DatumGetCString(DirectFunctionCall1(uuid_out, slot->tts_values[COL_CALL_ID]));
	const char *value = DatumGetCString(DirectFunctionCall1(timestamptz_out,
															slot->tts_values[attno]));

	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("%s of call %s is out of range for the JSON output", column, id),
			 errdetail("The value is \"%s\"; the output format (Python's isoformat) holds years 1 to 9999.",
					   value),
			 errhint("Correct the row in twilio_calls.")));
}

static void
write_row(CallsReceiver *receiver, TupleTableSlot *slot)
{
	CHECK_FOR_INTERRUPTS();

	MemoryContextReset(receiver->row_context);
	MemoryContext caller_context = MemoryContextSwitchTo(receiver->row_context);

	slot_getallattrs(slot);

	CallFields	call;

	call.call_id = uuid_field(slot, COL_CALL_ID);
	call.call_sid = text_field(slot, COL_CALL_SID);
	call.to_number = text_field(slot, COL_TO_NUMBER);
	call.customer_name = text_field(slot, COL_CUSTOMER_NAME);
	call.status = text_field(slot, COL_STATUS);
	call.agent_id = uuid_field(slot, COL_AGENT_ID);
	call.agent_name = text_field(slot, COL_AGENT_NAME);
	call.created_at = timestamp_field(slot, COL_CREATED_AT);
	call.started_at = timestamp_field(slot, COL_STARTED_AT);
	call.duration_isnull = slot->tts_isnull[COL_DURATION];
	call.duration = call.duration_isnull ? 0 : DatumGetInt64(slot->tts_values[COL_DURATION]);

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

	const char *bad_column = nullptr;

	out = callboard::write_call(out, call, &bad_column);
	if (out == nullptr)
		report_unprintable_timestamp(slot, bad_column);

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
