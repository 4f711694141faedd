/*
 * count_trigger.cpp
 *		callboard_count_changes()    RETURNS trigger
 *
 * The change signal's trigger on twilio_calls (change_signal.cpp puts it
 * there, once per event: AFTER INSERT, UPDATE, DELETE, each FOR EACH
 * STATEMENT with its transition tables, and AFTER TRUNCATE).  Once per
 * statement it reads the rows the statement inserted, updated or deleted,
 * adds what they did to the kept counts (kept_counts.hpp), and notes the
 * categories they were in, before or after (and whether other rows, inbound
 * calls, changed), for the transaction's NOTIFY at commit (change_notice.hpp,
 * change_payload.hpp).  A statement that changed no row costs a look at its
 * empty transition tables and nothing else.
 *
 * If an app migration renames the direction or status column, the counts
 * cannot be kept: the trigger drops them (readers count again), warns, and
 * signals a change to everything, so that the app's writes go on.
 *
 * EXECUTE is revoked from PUBLIC: a role that could attach it to a table of
 * its own could add to the counts.
 */
#include "change_notice.hpp"
#include "kept_counts.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "commands/trigger.h"
#include "fmgr.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(callboard_count_changes);
}

static void
stop_counting(Oid namespace_oid, Relation calls)
{
	forget_kept_counts(namespace_oid);
	ereport(WARNING,
			(errcode(ERRCODE_UNDEFINED_COLUMN),
			 errmsg("callboard no longer keeps the counts of \"%s\": it has no direction or status column",
					RelationGetRelationName(calls)),
			 errhint("Readers count the calls instead. callboard_enable_change_signal() keeps them again.")));
	note_anything_changed();
}

static void
count_changes(FunctionCallInfo fcinfo)
{
	if (!CALLED_AS_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("callboard_count_changes() must be called as a trigger"),
				 errhint("callboard_enable_change_signal() puts it on twilio_calls.")));

	TriggerData *trigger = (TriggerData *) fcinfo->context;
	TriggerEvent event = trigger->tg_event;
	Oid			namespace_oid = get_func_namespace(fcinfo->flinfo->fn_oid);

	if (!TRIGGER_FIRED_AFTER(event) || !TRIGGER_FIRED_FOR_STATEMENT(event))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("callboard_count_changes() must fire AFTER, FOR EACH STATEMENT")));

	if (TRIGGER_FIRED_BY_TRUNCATE(event))
	{
		zero_kept_counts(namespace_oid);
		note_calls_changed(callboard::kEveryRow);
		return;
	}

	CountChange change = {{0, 0, 0, 0}, callboard::kNoCategories};
	bool		columns = true;

	if (trigger->tg_oldtable != NULL)
		columns = count_transition_rows(trigger->tg_relation, trigger->tg_oldtable, -1, &change);
	if (columns && trigger->tg_newtable != NULL)
		columns = count_transition_rows(trigger->tg_relation, trigger->tg_newtable, +1, &change);
	if (!columns)
	{
		stop_counting(namespace_oid, trigger->tg_relation);
		return;
	}
	if (change.touched == callboard::kNoCategories)
		return;

	for (int64 delta : change.delta)
		if (delta != 0)
		{
			add_to_kept_counts(namespace_oid, &change);
			break;
		}
	note_calls_changed(change.touched);
}

extern "C" Datum
callboard_count_changes(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_count_changes", [&] { count_changes(fcinfo); });
	return PointerGetDatum(NULL);
}
