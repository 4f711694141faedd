/*
 * change_signal.cpp
 *		callboard_enable_change_signal()     RETURNS void
 *		callboard_enable_change_signal_concurrently()   PROCEDURE
 *		callboard_disable_change_signal()    RETURNS void
 *		callboard_change_signal_enabled()    RETURNS boolean
 *		callboard_notify_change()            RETURNS trigger
 *		callboard_notify_privileges()        RETURNS event_trigger
 *
 * The change signal tells listeners (callboard-gateway) that calls changed,
 * so that live dashboards refresh when a webhook commits instead of
 * polling, and it keeps the counts of outbound calls per category as each
 * change commits (kept_counts.hpp), so that a summary reads them instead of
 * counting every call.
 *
 * Enabling it puts statement-level triggers on the tables found through the
 * caller's search_path, as the JSON functions find them:
 *
 *   twilio_calls   callboard_change_signal_insert, _update, _delete (each
 *                  with its transition tables) and _truncate, all calling
 *                  callboard_count_changes() (count_trigger.cpp);
 *   hume_agents    callboard_change_signal, AFTER INSERT, UPDATE, DELETE or
 *                  TRUNCATE, calling callboard_notify_change(): an agent's
 *                  name is in every category's calls.
 *
 * PostgreSQL delivers a NOTIFY when the transaction commits, folds equal
 * ones, and never delivers one of a transaction that rolled back.
 *
 * Enabling locks writers of twilio_calls out while it counts every outbound
 * call (kept_counts.cpp: recount()), so that the kept counts start exact;
 * enabling again counts again.  The procedure counts in a second
 * transaction while writers go on.  The tables' columns and rows are untouched.
 * The triggers are not members of the extension (ALTER EXTENSION cannot add
 * a trigger), so each records an automatic dependency on it: DROP EXTENSION
 * drops them with it.  (A dump and restore recreates the triggers without
 * that dependency; calling callboard_enable_change_signal() again records
 * it.)
 *
 * Only the tables' owner (or a superuser) may turn the signal on or off.
 * The triggers are created, and the counts kept, as the extension's owner:
 * the count trigger's EXECUTE is not granted to anyone else, since whoever
 * could attach it to a table could add to the counts.  Each call NOTIFYs
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
#include "change_notice.hpp"
#include "kept_counts.hpp"
#include "pg_guard.hpp"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_trigger.h"
#include "commands/async.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

PG_FUNCTION_INFO_V1(callboard_enable_change_signal);
PG_FUNCTION_INFO_V1(callboard_enable_change_signal_concurrently);
PG_FUNCTION_INFO_V1(callboard_disable_change_signal);
PG_FUNCTION_INFO_V1(callboard_change_signal_enabled);
PG_FUNCTION_INFO_V1(callboard_notify_change);
PG_FUNCTION_INFO_V1(callboard_notify_privileges);
}

/* hume_agents' trigger; on twilio_calls, the one trigger of callboard 0.3.0. */
static const char *const kNotifyTrigger = "callboard_change_signal";

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

static bool
has_trigger(Oid relid, const char *name)
{
	return OidIsValid(get_trigger_oid(relid, name, true));
}

/* The trigger on `relid` goes when the extension goes. */
static void
depend_on_extension(Oid relid, const char *name)
{
	ObjectAddress trigger;
	ObjectAddress extension;

	ObjectAddressSet(trigger, TriggerRelationId, get_trigger_oid(relid, name, false));
	ObjectAddressSet(extension, ExtensionRelationId, get_extension_oid("callboard", false));
	/* Once: enabling again (after a restore) must not record it twice. */
	deleteDependencyRecordsForClass(TriggerRelationId, trigger.objectId, ExtensionRelationId, DEPENDENCY_AUTO);
	recordDependencyOn(&trigger, &extension, DEPENDENCY_AUTO);
}

/* Turning the signal on or off is for the table's owner, as CREATE and DROP TRIGGER are. */
static void
check_owner(Oid relid)
{
	if (!pg_class_ownercheck(relid, GetUserId()))
		aclcheck_error(ACLCHECK_NOT_OWNER, get_relkind_objtype(get_rel_relkind(relid)), get_rel_name(relid));
}

/*
 * The rows a query of twilio_calls reads are the rows its triggers see: a
 * plain table, no inheritance children, no partitions.
 */
static void
check_countable(Oid relid)
{
	Relation	rel = table_open(relid, AccessShareLock);
	bool		plain = rel->rd_rel->relkind == RELKIND_RELATION && !rel->rd_rel->relhassubclass;

	table_close(rel, NoLock);
	if (!plain)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("callboard cannot keep the counts of \"%s\": it is partitioned or has inheritance children",
						get_rel_name(relid)),
				 errdetail("Statement triggers on a parent do not see the rows written to its children.")));
}

/* Another twilio_calls already counted (found through another search_path) would share the counts. */
static void
check_counts_elsewhere(Oid relid, Oid count_function)
{
	Oid			other = table_with_count_trigger(count_function, relid);

	if (OidIsValid(other))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("callboard already keeps the counts of %s", qualified_name(other)),
				 errhint("Turn the signal off with that table on the search_path first: callboard_disable_change_signal().")));
}

static void
create_trigger(Oid namespace_oid, Oid relid, const char *name, const char *events, const char *referencing,
			   const char *function)
{
	if (!has_trigger(relid, name))
		run_as_counts_owner(namespace_oid,
							psprintf("CREATE TRIGGER %s AFTER %s ON %s %s FOR EACH STATEMENT EXECUTE FUNCTION %s.%s()",
									 quote_identifier(name), events, qualified_name(relid), referencing,
									 quote_identifier(get_namespace_name(namespace_oid)), function),
							SPI_OK_UTILITY);
	depend_on_extension(relid, name);
}

/*
 * Counting also in sessions with session_replication_role = replica (a
 * logical replication subscriber's).  What ALTER TABLE ... ENABLE ALWAYS
 * TRIGGER does, without its refusal in a transaction that has deferred
 * trigger events pending (Django's foreign keys are INITIALLY DEFERRED).
 */
static void
fire_always(Oid relid, const char *name)
{
	Relation	rel = table_open(relid, ShareRowExclusiveLock);

	EnableDisableTrigger(rel, name, TRIGGER_FIRES_ALWAYS, false, ShareRowExclusiveLock);
	table_close(rel, NoLock);
	CommandCounterIncrement();
}

static void
drop_trigger(Oid namespace_oid, Oid relid, const char *name)
{
	if (has_trigger(relid, name))
		run_as_counts_owner(namespace_oid,
							psprintf("DROP TRIGGER %s ON %s", quote_identifier(name), qualified_name(relid)),
							SPI_OK_UTILITY);
}

/*
 * Checks what turning the signal on needs and puts the triggers on the
 * tables found through search_path; returns twilio_calls.  The count
 * triggers are created under SHARE ROW EXCLUSIVE: writers of twilio_calls
 * wait from here until the caller commits.
 */
static Oid
put_triggers(Oid namespace_oid)
{
	Oid			calls = table_oid("twilio_calls", false);
	Oid			agents = table_oid("hume_agents", false);
	Oid			count_function = count_function_oid(namespace_oid);

	if (!OidIsValid(count_function))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("callboard's SQL objects are older than its library"),
				 errhint("ALTER EXTENSION callboard UPDATE, then turn the signal on.")));
	check_owner(calls);
	check_owner(agents);
	check_countable(calls);
	check_counts_elsewhere(calls, count_function);

	drop_trigger(namespace_oid, calls, kNotifyTrigger);	/* 0.3.0's: the count triggers notify */
	for (const CountTrigger &t : kCountTriggers)
	{
		create_trigger(namespace_oid, calls, t.name, t.event, t.referencing, "callboard_count_changes");
		fire_always(calls, t.name);
	}
	create_trigger(namespace_oid, agents, kNotifyTrigger, "INSERT OR UPDATE OR DELETE OR TRUNCATE", "",
				   "callboard_notify_change");
	return calls;
}

extern "C" Datum
callboard_enable_change_signal(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_enable_change_signal", [&] {
		/* The trigger functions and the counts are ours, in the schema this function is in. */
		Oid			namespace_oid = get_func_namespace(fcinfo->flinfo->fn_oid);
		Oid			calls = put_triggers(namespace_oid);

		recount(namespace_oid, calls);
		Async_Notify(callboard::kChangeChannel, "enabled");
	});
	PG_RETURN_VOID();
}

/*
 * CALL callboard_enable_change_signal_concurrently(): the same, in two
 * transactions, as CREATE INDEX CONCURRENTLY does, so that writers wait only
 * while the triggers go in.  The first puts the triggers and empty delta
 * slots and commits (the signal is on, readers count); the second counts the
 * calls while webhooks go on and keeps the base (kept_counts.cpp says why it
 * is exact).  Interrupted in between, the signal stays on and readers count
 * until it is called again.
 */
extern "C" Datum
callboard_enable_change_signal_concurrently(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_enable_change_signal_concurrently", [&] {
		CallContext *call = (fcinfo->context != NULL && IsA(fcinfo->context, CallContext)) ?
			(CallContext *) fcinfo->context : NULL;

		if (call == NULL || call->atomic)
			ereport(ERROR,
					(errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
					 errmsg("callboard_enable_change_signal_concurrently() cannot run inside a transaction block"),
					 errhint("CALL it on its own, with autocommit on; inside a transaction, "
							 "SELECT callboard_enable_change_signal() counts while writers wait.")));
		Oid			namespace_oid = get_func_namespace(fcinfo->flinfo->fn_oid);
		Oid			calls = put_triggers(namespace_oid);

		start_deltas_without_base(namespace_oid, calls);
		Async_Notify(callboard::kChangeChannel, "enabled");
		if (SPI_connect_ext(SPI_OPT_NONATOMIC) != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		SPI_commit();
		count_base_alongside_writers(namespace_oid, calls);
		SPI_finish();
	});
	PG_RETURN_VOID();
}

extern "C" Datum
callboard_disable_change_signal(PG_FUNCTION_ARGS)
{
	callboard::guard("callboard_disable_change_signal", [&] {
		Oid			namespace_oid = get_func_namespace(fcinfo->flinfo->fn_oid);
		Oid			calls = table_oid("twilio_calls", true);
		Oid			agents = table_oid("hume_agents", true);

		if (OidIsValid(calls))
			check_owner(calls);
		/* First: dropping a count trigger with the counts kept would warn that they are lost. */
		forget_kept_counts(namespace_oid);
		if (OidIsValid(calls))
		{
			drop_trigger(namespace_oid, calls, kNotifyTrigger);
			for (const CountTrigger &t : kCountTriggers)
				drop_trigger(namespace_oid, calls, t.name);
		}
		if (OidIsValid(agents))
		{
			check_owner(agents);
			drop_trigger(namespace_oid, agents, kNotifyTrigger);
		}
		Async_Notify(callboard::kChangeChannel, "disabled");
	});
	PG_RETURN_VOID();
}

/* Both tables notify: twilio_calls with the count triggers (or 0.3.0's one), hume_agents with its own. */
extern "C" Datum
callboard_change_signal_enabled(PG_FUNCTION_ARGS)
{
	bool		enabled = false;

	callboard::guard("callboard_change_signal_enabled", [&] {
		Oid			calls = table_oid("twilio_calls", true);
		Oid			agents = table_oid("hume_agents", true);

		if (!OidIsValid(calls) || !OidIsValid(agents) || !has_trigger(agents, kNotifyTrigger))
			return;
		bool		counting = true;

		for (const CountTrigger &t : kCountTriggers)
			counting = counting && has_trigger(calls, t.name);
		enabled = counting || has_trigger(calls, kNotifyTrigger);
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
		note_anything_changed();
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
		note_privileges_changed();
	});
	PG_RETURN_NULL();
}
