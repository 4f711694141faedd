/*
 * kept_counts.cpp
 *		Keeping, reading and checking the counts of kept_counts.hpp.
 *
 * Writers and readers reach callboard_call_counts as its owner, the role
 * that created the extension: the table grants nothing to anyone, so no
 * role can write a count by hand or read counts of calls it may not see.
 * While acting as the owner, search_path is pg_catalog alone and every
 * statement is schema-qualified, so nothing a caller defines can run with
 * the owner's rights.
 */
#include "kept_counts.hpp"

#include "queries.hpp"
#include "text_datum.hpp"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/backendid.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
}

const CountTrigger kCountTriggers[kCountTriggerCount] = {
	{"callboard_change_signal_insert", "INSERT", "REFERENCING NEW TABLE AS callboard_new"},
	{"callboard_change_signal_update", "UPDATE", "REFERENCING OLD TABLE AS callboard_old NEW TABLE AS callboard_new"},
	{"callboard_change_signal_delete", "DELETE", "REFERENCING OLD TABLE AS callboard_old"},
	{"callboard_change_signal_truncate", "TRUNCATE", ""},
};

static const char *const kCountsTable = "callboard_call_counts";

/*
 * Delta slots.  A writer starts at slot (backend id mod kSlots) + 1 and
 * takes the next free one when that is locked (by a concurrent or prepared
 * transaction): with fewer concurrent writers than slots, none waits.
 */
static const int kSlots = 64;

/* ---------------------------------------------------------------- the owner */

/* The role and settings to restore after acting as the counts' owner. */
struct OwnerContext
{
	Oid			saved_user;
	int			saved_security;
	int			guc_level;
};

static_assert(std::is_trivially_destructible<OwnerContext>::value, "an OwnerContext must not need a destructor");

static Oid
counts_relid(Oid namespace_oid)
{
	Oid			relid = get_relname_relid(kCountsTable, namespace_oid);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s\" does not exist in schema \"%s\"", kCountsTable,
						get_namespace_name(namespace_oid)),
				 errhint("ALTER EXTENSION callboard UPDATE creates it.")));
	return relid;
}

/*
 * Acts as the owner of the counts table until end_as_owner(), with
 * search_path pg_catalog and row_security off (so that a count by the owner
 * is of every row, or an error: never of fewer rows).  An error in between
 * restores both, as PostgreSQL does for any (sub)transaction abort.
 */
static Oid
counts_owner(Oid namespace_oid)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(counts_relid(namespace_oid)));

	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for the relation %s", kCountsTable);
	Oid			owner = ((Form_pg_class) GETSTRUCT(tuple))->relowner;

	ReleaseSysCache(tuple);
	return owner;
}

static void
begin_as_owner(Oid namespace_oid, int extra_security, OwnerContext *ctx)
{
	GetUserIdAndSecContext(&ctx->saved_user, &ctx->saved_security);
	SetUserIdAndSecContext(counts_owner(namespace_oid), ctx->saved_security | SECURITY_LOCAL_USERID_CHANGE | extra_security);
	ctx->guc_level = NewGUCNestLevel();
	set_config_option("search_path", "pg_catalog, pg_temp", PGC_USERSET, PGC_S_SESSION,
					  GUC_ACTION_SAVE, true, 0, false);
	set_config_option("row_security", "off", PGC_USERSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
}

static void
end_as_owner(const OwnerContext *ctx)
{
	AtEOXact_GUC(false, ctx->guc_level);
	SetUserIdAndSecContext(ctx->saved_user, ctx->saved_security);
}

/* ---------------------------------------------------------------- triggers */

Oid
count_function_oid(Oid namespace_oid)
{
	oidvector  *no_arguments = buildoidvector(NULL, 0);

	return GetSysCacheOid3(PROCNAMEARGSNSP, Anum_pg_proc_oid, CStringGetDatum("callboard_count_changes"),
						   PointerGetDatum(no_arguments), ObjectIdGetDatum(namespace_oid));
}

bool
count_triggers_enabled(Relation calls, Oid count_function)
{
	TriggerDesc *triggers = calls->trigdesc;
	int			found = 0;

	if (triggers == NULL || !OidIsValid(count_function))
		return false;
	for (int i = 0; i < triggers->numtriggers; i++)
	{
		const Trigger *t = &triggers->triggers[i];

		if (t->tgfoid != count_function || t->tgenabled == TRIGGER_DISABLED)
			continue;
		for (const CountTrigger &ours : kCountTriggers)
			if (strcmp(t->tgname, ours.name) == 0)
				found++;
	}
	return found == kCountTriggerCount;
}

Oid
table_with_count_trigger(Oid count_function, Oid except)
{
	Relation	triggers = table_open(TriggerRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(triggers, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tuple;
	Oid			found = InvalidOid;

	while ((tuple = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger t = (Form_pg_trigger) GETSTRUCT(tuple);

		if (t->tgfoid == count_function && t->tgrelid != except)
			found = t->tgrelid;
	}
	systable_endscan(scan);
	table_close(triggers, AccessShareLock);
	return found;
}

bool
count_transition_rows(Relation calls, Tuplestorestate *rows, int sign, CountChange *change)
{
	TupleDesc	desc = RelationGetDescr(calls);
	int			direction = SPI_fnumber(desc, "direction");
	int			status = SPI_fnumber(desc, "status");

	if (direction <= 0 || status <= 0)
		return false;

	/* A read pointer of our own: other triggers may read the same rows. */
	TupleTableSlot *slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	int			reader = tuplestore_alloc_read_pointer(rows, EXEC_FLAG_REWIND);

	tuplestore_select_read_pointer(rows, reader);
	tuplestore_rescan(rows);
	while (tuplestore_gettupleslot(rows, true, false, slot))
	{
		bool		isnull;
		Datum		value;

		CHECK_FOR_INTERRUPTS();
		value = slot_getattr(slot, direction, &isnull);
		callboard::TextField dir = text_bytes(value, isnull);

		if (dir.data == nullptr || dir.len != 8 || memcmp(dir.data, "outbound", 8) != 0)
		{
			change->touched |= callboard::kOtherRows;
			continue;
		}
		value = slot_getattr(slot, status, &isnull);
		callboard::TextField text = text_bytes(value, isnull);
		callboard::Category category = callboard::category_of_status(text.data, text.len);

		change->delta[static_cast<int>(category)] += sign;
		change->touched |= callboard::category_bit(category);
	}
	ExecDropSingleTupleTableSlot(slot);
	return true;
}

/* ---------------------------------------------------------------- writing */

enum CountStatement
{
	ADD_TO_HOME_SLOT,			/* $1..$4 deltas, $5 slot: that slot, if no one holds it */
	ADD_TO_FREE_SLOT,			/* $1..$4, $5: the first slot from $5 on that no one holds */
	ADD_TO_NEW_SLOT,			/* $1..$4, $5: a slot of its own (every slot was held) */
	COUNT_STATEMENTS
};

#define SET_DELTAS \
	" SET pending = pending OPERATOR(pg_catalog.+) $1, active = active OPERATOR(pg_catalog.+) $2," \
	" completed = completed OPERATOR(pg_catalog.+) $3, failed = failed OPERATOR(pg_catalog.+) $4"

static const char *const kCountSql[COUNT_STATEMENTS] = {
	"UPDATE %1$s.callboard_call_counts" SET_DELTAS
	" WHERE slot OPERATOR(pg_catalog.=) (SELECT s.slot FROM %1$s.callboard_call_counts s"
	" WHERE s.slot OPERATOR(pg_catalog.=) $5 FOR UPDATE SKIP LOCKED)",

	"UPDATE %1$s.callboard_call_counts" SET_DELTAS
	" WHERE slot OPERATOR(pg_catalog.=) (SELECT s.slot FROM %1$s.callboard_call_counts s"
	" WHERE s.slot OPERATOR(pg_catalog.>) 0"
	" ORDER BY s.slot OPERATOR(pg_catalog.<) $5, s.slot FOR UPDATE SKIP LOCKED LIMIT 1)",

	"INSERT INTO %1$s.callboard_call_counts AS k VALUES ($5, $1, $2, $3, $4)"
	" ON CONFLICT (slot) DO UPDATE"
	" SET pending = k.pending OPERATOR(pg_catalog.+) $1, active = k.active OPERATOR(pg_catalog.+) $2,"
	" completed = k.completed OPERATOR(pg_catalog.+) $3, failed = k.failed OPERATOR(pg_catalog.+) $4",
};

/* Plans kept for the backend's life, for the schema they were made for. */
struct CountPlans
{
	Oid			namespace_oid;
	SPIPlanPtr	plans[COUNT_STATEMENTS];
};

static CountPlans count_plans;

static SPIPlanPtr
count_plan(Oid namespace_oid, CountStatement statement)
{
	if (count_plans.namespace_oid != namespace_oid)
	{
		for (SPIPlanPtr &plan : count_plans.plans)
			if (plan != NULL)
			{
				SPI_freeplan(plan);
				plan = NULL;
			}
		count_plans.namespace_oid = namespace_oid;
	}
	SPIPlanPtr &plan = count_plans.plans[statement];

	if (plan == NULL)
	{
		Oid			types[5] = {INT8OID, INT8OID, INT8OID, INT8OID, INT4OID};
		char	   *sql = psprintf(kCountSql[statement], quote_identifier(get_namespace_name(namespace_oid)));
		SPIPlanPtr	prepared = SPI_prepare(sql, 5, types);

		if (prepared == NULL || SPI_keepplan(prepared) != 0)
			elog(ERROR, "could not prepare: %s", sql);
		plan = prepared;
	}
	return plan;
}

static uint64
run_count_statement(Oid namespace_oid, CountStatement statement, Datum *values)
{
	int			rc = SPI_execute_plan(count_plan(namespace_oid, statement), values, NULL, false, 0);

	if (rc != SPI_OK_UPDATE && rc != SPI_OK_INSERT)
		elog(ERROR, "updating %s failed: %s", kCountsTable, SPI_result_code_string(rc));
	return SPI_processed;
}

/*
 * On every webhook's write, so lighter than begin_as_owner(): the plans are
 * made once (under that search_path) and name everything with its schema,
 * operators included, so the caller's search_path cannot change what they
 * do; only the role they run as matters.
 */
void
add_to_kept_counts(Oid namespace_oid, const CountChange *change)
{
	Oid			saved_user;
	int			saved_security;
	Datum		values[5];

	for (int i = 0; i < callboard::kCategoryCount; i++)
		values[i] = Int64GetDatum(change->delta[i]);
	values[4] = Int32GetDatum(MyBackendId % kSlots + 1);

	/* Prepared as the owner, with the owner's search_path, the first time. */
	if (count_plans.namespace_oid != namespace_oid || count_plans.plans[ADD_TO_NEW_SLOT] == NULL)
	{
		OwnerContext owner;

		begin_as_owner(namespace_oid, SECURITY_RESTRICTED_OPERATION, &owner);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		for (int statement = 0; statement < COUNT_STATEMENTS; statement++)
			count_plan(namespace_oid, static_cast<CountStatement>(statement));
		SPI_finish();
		end_as_owner(&owner);
	}

	GetUserIdAndSecContext(&saved_user, &saved_security);
	SetUserIdAndSecContext(counts_owner(namespace_oid),
						   saved_security | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (run_count_statement(namespace_oid, ADD_TO_HOME_SLOT, values) == 0 &&
		run_count_statement(namespace_oid, ADD_TO_FREE_SLOT, values) == 0)
	{
		/* Every slot is held: one of this backend's own, below the others. */
		values[4] = Int32GetDatum(-MyProcPid);
		run_count_statement(namespace_oid, ADD_TO_NEW_SLOT, values);
	}
	SPI_finish();
	SetUserIdAndSecContext(saved_user, saved_security);
}

uint64
run_as_counts_owner(Oid namespace_oid, const char *sql, int expected)
{
	OwnerContext owner;

	begin_as_owner(namespace_oid, SECURITY_RESTRICTED_OPERATION, &owner);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	if (SPI_execute(sql, false, 0) != expected)
		elog(ERROR, "could not run: %s", sql);
	uint64		processed = SPI_processed;

	SPI_finish();
	end_as_owner(&owner);
	return processed;
}

/* `sql` with %1$s the extension's quoted schema, as the counts' owner. */
static void
run_on_counts(Oid namespace_oid, const char *sql, int expected)
{
	run_as_counts_owner(namespace_oid, psprintf(sql, quote_identifier(get_namespace_name(namespace_oid))), expected);
}

void
zero_kept_counts(Oid namespace_oid)
{
	run_on_counts(namespace_oid,
				  "UPDATE %1$s.callboard_call_counts SET pending = 0, active = 0, completed = 0, failed = 0",
				  SPI_OK_UPDATE);
}

bool
forget_kept_counts(Oid namespace_oid)
{
	return run_as_counts_owner(namespace_oid,
							   psprintf("DELETE FROM %s.callboard_call_counts WHERE slot OPERATOR(pg_catalog.=) 0",
										quote_identifier(get_namespace_name(namespace_oid))),
							   SPI_OK_DELETE) > 0;
}

/* ---------------------------------------------------------------- counting */

/* Adds rows of (status text, count bigint) in SPI_tuptable to counts, by the mapping. */
static void
add_status_counts(int64 counts[])
{
	for (uint64 row = 0; row < SPI_processed; row++)
	{
		bool		status_null,
					count_null;
		HeapTuple	tuple = SPI_tuptable->vals[row];
		Datum		status = SPI_getbinval(tuple, SPI_tuptable->tupdesc, 1, &status_null);
		int64		count = DatumGetInt64(SPI_getbinval(tuple, SPI_tuptable->tupdesc, 2, &count_null));
		callboard::TextField text = text_bytes(status, status_null);

		CHECK_FOR_INTERRUPTS();
		counts[static_cast<int>(callboard::category_of_status(text.data, text.len))] += count;
	}
}

void
count_every_row(Oid namespace_oid, Oid calls_relid, bool fresh_snapshot, int64 counts[])
{
	OwnerContext owner;
	char	   *calls = quote_qualified_identifier(get_namespace_name(get_rel_namespace(calls_relid)),
												   get_rel_name(calls_relid));
	char	   *sql = psprintf("SELECT c.status::pg_catalog.text, pg_catalog.count(*) FROM %s c"
							   " WHERE c.direction OPERATOR(pg_catalog.=) 'outbound' GROUP BY 1", calls);

	for (int i = 0; i < callboard::kCategoryCount; i++)
		counts[i] = 0;
	begin_as_owner(namespace_oid, SECURITY_RESTRICTED_OPERATION, &owner);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	/* read_only keeps the active snapshot; else SPI takes a new one (in READ COMMITTED) */
	if (SPI_execute(sql, !fresh_snapshot, 0) != SPI_OK_SELECT)
		elog(ERROR, "could not count the calls of %s", calls);
	add_status_counts(counts);
	SPI_finish();
	end_as_owner(&owner);
}

/* Keeps `base` as slot 0; `on_conflict` is "" or an ON CONFLICT clause. */
static void
insert_base(Oid namespace_oid, const int64 base[], const char *on_conflict)
{
	run_as_counts_owner(namespace_oid,
						psprintf("INSERT INTO %s.callboard_call_counts VALUES (0, " INT64_FORMAT ", "
								 INT64_FORMAT ", " INT64_FORMAT ", " INT64_FORMAT ") %s",
								 quote_identifier(get_namespace_name(namespace_oid)),
								 base[0], base[1], base[2], base[3], on_conflict),
						SPI_OK_INSERT);
}

/*
 * Empties the counts table and puts kSlots empty delta slots in it, and the
 * base row (slot 0) if `base` is given.  Writers of the calls must be locked
 * out: a delta of theirs would go with the rows deleted.
 */
static void
reset_counts(Oid namespace_oid, const int64 *base)
{
	run_on_counts(namespace_oid, "DELETE FROM %1$s.callboard_call_counts", SPI_OK_DELETE);
	run_as_counts_owner(namespace_oid,
						psprintf("INSERT INTO %s.callboard_call_counts"
								 " SELECT s, 0, 0, 0, 0 FROM pg_catalog.generate_series(1, %d) s",
								 quote_identifier(get_namespace_name(namespace_oid)), kSlots),
						SPI_OK_INSERT);
	if (base != NULL)
		insert_base(namespace_oid, base, "");
}

void
recount(Oid namespace_oid, Oid calls_relid)
{
	int64		counts[callboard::kCategoryCount];

	/*
	 * Writers are locked out until the caller commits, and every one that
	 * committed before is in a snapshot taken now: the count is exact, and
	 * the triggers count every change after it.
	 */
	if (IsolationUsesXactSnapshot())
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the calls cannot be counted in a REPEATABLE READ or SERIALIZABLE transaction"),
				 errdetail("Its snapshot may predate the lock that keeps writers out, and miss their rows."),
				 errhint("Call it in a READ COMMITTED transaction (the default).")));
	LockRelationOid(calls_relid, ShareRowExclusiveLock);
	count_every_row(namespace_oid, calls_relid, true, counts);
	reset_counts(namespace_oid, counts);
}

void
start_deltas_without_base(Oid namespace_oid, Oid calls_relid)
{
	LockRelationOid(calls_relid, ShareRowExclusiveLock);
	reset_counts(namespace_oid, NULL);
}

/*
 * Why the base is exact.  Every writer of the calls that committed before
 * the triggers did so before start_deltas_without_base()'s transaction took
 * its lock; every one after it fires them.  So in any later snapshot S,
 * count(S) = base + deltas(S), base being what the writers before the
 * triggers left: base = count(S) - deltas(S), both read in one snapshot.
 * A TRUNCATE meanwhile zeroes the deltas and leaves no row before the
 * triggers, so the same holds with base 0.
 */
void
count_base_alongside_writers(Oid namespace_oid, Oid calls_relid)
{
	int64		counted[callboard::kCategoryCount];
	int64		deltas[callboard::kCategoryCount];

	/* Held to commit: TRUNCATE and trigger changes wait for the base. */
	Relation	calls = try_table_open(calls_relid, AccessShareLock);

	if (calls == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("twilio_calls was dropped before its calls were counted")));
	bool		counting = count_triggers_enabled(calls, count_function_oid(namespace_oid));

	table_close(calls, NoLock);
	if (!counting)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("the count triggers of \"%s\" changed before its calls were counted", get_rel_name(calls_relid)),
				 errhint("Turn the signal on again.")));

	PushActiveSnapshot(GetTransactionSnapshot());
	count_every_row(namespace_oid, calls_relid, false, counted);
	bool		based = read_kept_counts(namespace_oid, deltas);

	PopActiveSnapshot();
	if (based)
		return;					/* another call counted first */
	for (int i = 0; i < callboard::kCategoryCount; i++)
		counted[i] -= deltas[i];
	/* One that counts at the same time waits here for this one, and keeps its base. */
	insert_base(namespace_oid, counted, "ON CONFLICT (slot) DO NOTHING");
}

bool
read_kept_counts(Oid namespace_oid, int64 counts[])
{
	Relation	table = table_open(counts_relid(namespace_oid), AccessShareLock);
	TupleDesc	desc = RelationGetDescr(table);
	bool		base = false;

	if (desc->natts != 1 + callboard::kCategoryCount)
		elog(ERROR, "%s has %d columns, not %d", kCountsTable, desc->natts, 1 + callboard::kCategoryCount);
	for (int i = 0; i < callboard::kCategoryCount; i++)
		counts[i] = 0;

	/* Read directly, as the owner would: no one else holds a privilege on it. */
	TableScanDesc scan = table_beginscan(table, GetActiveSnapshot(), 0, NULL);
	TupleTableSlot *slot = table_slot_create(table, NULL);

	while (table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		bool		isnull;

		CHECK_FOR_INTERRUPTS();
		base = base || DatumGetInt32(slot_getattr(slot, 1, &isnull)) == 0;
		for (int i = 0; i < callboard::kCategoryCount; i++)
			counts[i] += DatumGetInt64(slot_getattr(slot, 2 + i, &isnull));
	}
	ExecDropSingleTupleTableSlot(slot);
	table_endscan(scan);
	table_close(table, AccessShareLock);
	return base;
}

/* ---------------------------------------------------------------- reading */

/*
 * Whether `relid`'s catalog row changed after `snapshot` was taken, as it
 * does when TRUNCATE (or another rewrite) gives the table a new file.
 * TRUNCATE is not MVCC-safe: a reader whose snapshot predates it, and who
 * waited for its lock, finds the table empty, while the counts table shows
 * the rows of its snapshot.  Such a reader counts, and sees what its scan
 * of the calls sees.
 */
static bool
rewritten_since(Oid relid, Snapshot snapshot)
{
	HeapTuple	tuple = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));

	if (!HeapTupleIsValid(tuple))
		return true;
	TransactionId xmin = HeapTupleHeaderGetXmin(tuple->t_data);

	ReleaseSysCache(tuple);
	return TransactionIdIsNormal(xmin) && !TransactionIdIsCurrentTransactionId(xmin) &&
		XidInMVCCSnapshot(xmin, snapshot);
}

/*
 * Whether the kept counts are what the summary query would count for the
 * caller: the table its search_path finds is the one counted (it carries
 * every count trigger, enabled), has no inheritance children or partitions
 * (whose rows a query of it would read, and its triggers would not count),
 * the caller may read it whole (SELECT on the table) and no row-level
 * security applies to the caller.  When in doubt the caller scans, which is
 * exact by definition and raises what the caller's read raises.
 */
static bool
kept_counts_answer_caller(Oid namespace_oid)
{
	Oid			calls_relid = RelnameGetRelid("twilio_calls");

	if (!OidIsValid(calls_relid))
		return false;

	Relation	calls = table_open(calls_relid, AccessShareLock);
	bool		counted = calls->rd_rel->relkind == RELKIND_RELATION && !calls->rd_rel->relhassubclass &&
		count_triggers_enabled(calls, count_function_oid(namespace_oid));

	table_close(calls, NoLock);
	return counted && !rewritten_since(calls_relid, GetActiveSnapshot()) &&
		pg_class_aclcheck(calls_relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK &&
		check_enable_rls(calls_relid, InvalidOid, true) == RLS_NONE;
}

void
outbound_call_counts(Oid function_oid, int64 counts[])
{
	Oid			namespace_oid = get_func_namespace(function_oid);

	if (kept_counts_answer_caller(namespace_oid) && read_kept_counts(namespace_oid, counts))
		return;

	for (int i = 0; i < callboard::kCategoryCount; i++)
		counts[i] = 0;
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	run_query(CallboardQuery::summary, function_oid, NULL, NULL, NULL);
	add_status_counts(counts);
	SPI_finish();
}
