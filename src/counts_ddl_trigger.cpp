/*
 * counts_ddl_trigger.cpp
 *		callboard_check_count_triggers()    RETURNS event_trigger
 *
 * The kept counts are exact only if the count triggers have seen every
 * change since the count they started from.  An ALTER TABLE that disables
 * one of them (DISABLE TRIGGER, also ... ALL or USER), or an ALTER or DROP
 * TRIGGER that renames or drops one, ends that: enabling it again later
 * would resume counting from a wrong number.  So after each such command
 * this event trigger (callboard_count_triggers, ON ddl_command_end, created
 * by the extension's script) checks that the counted table still carries
 * all four, enabled; if not, the counts are dropped (readers count again)
 * until callboard_enable_change_signal() counts afresh.
 */
#include "kept_counts.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "access/table.h"
#include "commands/event_trigger.h"
#include "fmgr.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(callboard_check_count_triggers);
}

static void
check_count_triggers(FunctionCallInfo fcinfo)
{
	if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
		ereport(ERROR,
				(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
				 errmsg("callboard_check_count_triggers() must be called as an event trigger")));

	Oid			namespace_oid = get_func_namespace(fcinfo->flinfo->fn_oid);
	Oid			count_function = count_function_oid(namespace_oid);
	Oid			counted = table_with_count_trigger(count_function, InvalidOid);
	bool		intact = false;

	if (OidIsValid(counted))
	{
		Relation	calls = table_open(counted, AccessShareLock);

		intact = count_triggers_enabled(calls, count_function);
		table_close(calls, NoLock);
	}
	if (!intact && forget_kept_counts(namespace_oid))
		ereport(WARNING,
				(errmsg("callboard no longer keeps the counts of outbound calls: a count trigger was disabled, renamed or dropped"),
				 errdetail("Counts kept while a trigger misses changes would be wrong."),
				 errhint("Readers count the calls instead. callboard_enable_change_signal() keeps them again.")));
}

extern "C" Datum
callboard_check_count_triggers(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_check_count_triggers", [&] { check_count_triggers(fcinfo); });
	PG_RETURN_VOID();
}
