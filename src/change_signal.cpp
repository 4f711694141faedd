/*
 * change_signal.cpp
 *		callboard_enable_change_signal()     RETURNS void
 *		callboard_disable_change_signal()    RETURNS void
 *		callboard_change_signal_enabled()    RETURNS boolean
 *		callboard_notify_change()            RETURNS trigger
 *		callboard_notify_privileges()        RETURNS event_trigger
 *
 * The change signal tells listeners (callboard-gateway) that calls changed,
 * so that live dashboards refresh when a webhook commits instead of polling.
 * Enabling it puts one statement-level trigger, callboard_change_signal, on
 * each of twilio_calls and hume_agents (found through the caller's
 * search_path, as the JSON functions find them), AFTER INSERT, UPDATE,
 * DELETE and TRUNCATE.  The trigger NOTIFYs the channel callboard_changes
 * with an empty payload: PostgreSQL delivers it when the transaction
 * commits, once however many statements notified (notifications alike in one
 * transaction are folded), and never for one that rolled back.  A statement
 * trigger runs once per statement, whatever the rows: a webhook's UPDATE of
 * one call pays one function call and one queue entry at commit.
 *
 * The tables' columns and rows are untouched.  The triggers are not members
 * of the extension (ALTER EXTENSION cannot add a trigger), so each records
 * an automatic dependency on it: DROP EXTENSION drops them with it.  (A
 * dump and restore recreates the triggers without that dependency; calling
 * callboard_enable_change_signal() again records it.)
 *
 * Enabling and disabling need the privileges of CREATE TRIGGER and DROP
 * TRIGGER on both tables: their owner's, or a superuser's.  Each NOTIFYs
 * "enabled" or "disabled", so a listener learns at once.
 *
 * Rows are not all that decides what a document holds: privileges and
 * policies do too, and a listener keeping documents must drop them when
 * those change.  The extension's event trigger, callboard_privileges, runs
 * callboard_notify_privileges() at the start of every command that can
 * change who sees what (GRANT, REVOKE, policies, ALTER TABLE, functions,
 * views, schemas, DROP OWNED, security labels, ALTER and DROP EXTENSION;
 * the list is in callboard--0.3.0--0.4.0.sql), which NOTIFYs the same
 * channel with "privileges".  At the start, not the end: DROP EXTENSION
 * callboard takes the event trigger with it, and at its end there would be
 * nobody left to tell.  Like every NOTIFY it is delivered only if the
 * transaction commits.  Changes to roles themselves (ALTER ROLE, GRANT
 * role TO role) fire no event trigger: listeners bound how long they keep
 * a document instead (callboard-cache-max-age).
 */
#include "pg_guard.hpp"

extern "C" {
#include "access/htup_details.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_trigger.h"
#include "commands/async.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "nodes/makefuncs.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(callboard_enable_change_signal);
PG_FUNCTION_INFO_V1(callboard_disable_change_signal);
PG_FUNCTION_INFO_V1(callboard_change_signal_enabled);
PG_FUNCTION_INFO_V1(callboard_notify_change);
PG_FUNCTION_INFO_V1(callboard_notify_privileges);
}

static const char *const kChannel = "callboard_changes";
static const char *const kTrigger = "callboard_change_signal";
static const char *const kTables[] = {"twilio_calls", "hume_agents"};

/* The table through the caller's search_path; 42P01 if there is none (unless missing_ok). */
static Oid
table_oid(const char *name, bool missing_ok)
{
	return RangeVarGetRelid(makeRangeVar(NULL, pstrdup(name), -1), NoLock, missing_ok);
}

/* The table's name, schema-qualified and quoted, for DDL. */
static char *
qualified_name(Oid relid)
{
	return quote_qualified_identifier(get_namespace_name(get_rel_namespace(relid)), get_rel_name(relid));
}

static void
run_ddl(const char *sql)
{
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(sql, false, 0) != SPI_OK_UTILITY)
		elog(ERROR, "could not run: %s", sql);
	SPI_finish();
}

/* The trigger on `relid` goes when the extension goes. */
static void
depend_on_extension(Oid relid)
{
	ObjectAddress trigger;
	ObjectAddress extension;

	ObjectAddressSet(trigger, TriggerRelationId, get_trigger_oid(relid, kTrigger, false));
	ObjectAddressSet(extension, ExtensionRelationId, get_extension_oid("callboard", false));
	/* Once: enabling again (after a restore) must not record it twice. */
	deleteDependencyRecordsForClass(TriggerRelationId, trigger.objectId, ExtensionRelationId, DEPENDENCY_AUTO);
	recordDependencyOn(&trigger, &extension, DEPENDENCY_AUTO);
}

extern "C" Datum
callboard_enable_change_signal(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_enable_change_signal", [&] {
		/* The trigger function is ours, in the schema this function is in. */
		char	   *schema = get_namespace_name(get_func_namespace(fcinfo->flinfo->fn_oid));

		for (const char *name : kTables)
		{
			Oid			relid = table_oid(name, false);

			if (!OidIsValid(get_trigger_oid(relid, kTrigger, true)))
				run_ddl(psprintf("CREATE TRIGGER %s AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s"
								 " FOR EACH STATEMENT EXECUTE FUNCTION %s.callboard_notify_change()",
								 kTrigger, qualified_name(relid), quote_identifier(schema)));
			depend_on_extension(relid);
		}
		Async_Notify(kChannel, "enabled");
	});
	PG_RETURN_VOID();
}

extern "C" Datum
callboard_disable_change_signal(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_disable_change_signal", [&] {
		for (const char *name : kTables)
		{
			Oid			relid = table_oid(name, true);

			if (OidIsValid(relid) && OidIsValid(get_trigger_oid(relid, kTrigger, true)))
				run_ddl(psprintf("DROP TRIGGER %s ON %s", kTrigger, qualified_name(relid)));
		}
		Async_Notify(kChannel, "disabled");
	});
	PG_RETURN_VOID();
}

extern "C" Datum
callboard_change_signal_enabled(PG_FUNCTION_ARGS)
{
	bool		enabled = true;

	callboard::guard("callboard_change_signal_enabled", [&] {
		for (const char *name : kTables)
		{
			Oid			relid = table_oid(name, true);

			enabled = enabled && OidIsValid(relid) && OidIsValid(get_trigger_oid(relid, kTrigger, true));
		}
	});
	PG_RETURN_BOOL(enabled);
}

extern "C" Datum
callboard_notify_change(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_notify_change", [&] {
		if (!CALLED_AS_TRIGGER(fcinfo))
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("callboard_notify_change() must be called as a trigger"),
					 errhint("callboard_enable_change_signal() puts it on the tables.")));
		Async_Notify(kChannel, "");
	});
	return PointerGetDatum(NULL);
}

extern "C" Datum
callboard_notify_privileges(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_notify_privileges", [&] {
		if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
			ereport(ERROR,
					(errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
					 errmsg("callboard_notify_privileges() must be called as an event trigger"),
					 errhint("The extension's event trigger callboard_privileges calls it.")));
		Async_Notify(kChannel, "privileges");
	});
	PG_RETURN_NULL();
}
