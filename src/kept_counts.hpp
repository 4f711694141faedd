/*
 * kept_counts.hpp
 *		The number of outbound calls in each category, kept as changes commit.
 *
 * With the change signal on, the triggers on twilio_calls add what each
 * statement did to the counts (from its transition tables) to a row of
 * callboard_call_counts, in the writer's transaction.  So the counts any
 * snapshot sees are those of the rows that snapshot sees: a rolled-back
 * transaction or savepoint takes its deltas with it, a prepared one holds
 * them until COMMIT PREPARED, and a reader needs no scan.
 *
 * The table: one base row (slot 0, the count when the signal was turned
 * on: its presence says the counts are kept) and kSlots rows of deltas.
 * A writer adds to the first slot it can lock without waiting, starting at
 * one of its own, so concurrent webhooks never queue on one hot row; a
 * reader sums every row (about 70, in a handful of pages).
 *
 * The table belongs to the extension's owner and no one else may read or
 * write it: the triggers write and the readers read it as that owner, and
 * readers answer from it only when the scan would give the caller the very
 * same numbers (outbound_call_counts()).
 */
#ifndef CALLBOARD_KEPT_COUNTS_HPP
#define CALLBOARD_KEPT_COUNTS_HPP

#include <type_traits>

#include "call_category.hpp"
#include "change_payload.hpp"

extern "C" {
#include "postgres.h"

#include "utils/relcache.h"
#include "utils/tuplestore.h"
}

/* What one statement did to the outbound calls. */
struct CountChange
{
	int64		delta[callboard::kCategoryCount];
	callboard::CategorySet touched;	/* categories of every outbound row seen, old or new; kOtherRows */
};

static_assert(std::is_trivially_destructible<CountChange>::value, "a CountChange must not need a destructor");

/* The change signal's triggers on twilio_calls: one per event, as each has its own transition tables. */
struct CountTrigger
{
	const char *name;
	const char *event;
	const char *referencing;	/* the REFERENCING clause, or "" */
};

constexpr int kCountTriggerCount = 4;
extern const CountTrigger kCountTriggers[kCountTriggerCount];

/* The trigger function callboard_count_changes() of the extension in `namespace_oid`. */
Oid			count_function_oid(Oid namespace_oid);

/* A table other than `except` that carries a trigger calling `count_function`, or InvalidOid. */
Oid			table_with_count_trigger(Oid count_function, Oid except);

/* Whether `calls` carries every one of kCountTriggers, calling `count_function`, enabled. */
bool		count_triggers_enabled(Relation calls, Oid count_function);

/*
 * Adds a transition table's rows to `change`: sign +1 for new rows, -1 for
 * old ones.  False if `calls` lacks the direction or status column.
 */
bool		count_transition_rows(Relation calls, Tuplestorestate *rows, int sign, CountChange *change);

/*
 * Runs `sql` as the owner of the counts table (the extension's owner), with
 * search_path pg_catalog: qualify everything.  Returns SPI_processed; an
 * SPI result other than `expected` is an error.
 */
uint64		run_as_counts_owner(Oid namespace_oid, const char *sql, int expected);

/* Adds `change` to a slot of the kept counts. */
void		add_to_kept_counts(Oid namespace_oid, const CountChange *change);

/* After TRUNCATE: every count is zero. */
void		zero_kept_counts(Oid namespace_oid);

/*
 * Locks writers of `calls_relid` out until the transaction ends, counts its
 * outbound calls (every row, whatever the policies) and keeps that: the
 * base, and empty slots.  READ COMMITTED only.
 */
void		recount(Oid namespace_oid, Oid calls_relid);

/*
 * The first half of turning the counts on without locking writers out for
 * a count: locks writers out until the caller commits (a moment: they wait
 * for the triggers, not a count) and leaves empty delta slots and no base,
 * so readers count until count_base_alongside_writers() runs, in a later
 * transaction.
 */
void		start_deltas_without_base(Oid namespace_oid, Oid calls_relid);

/*
 * The second half, while writers go on: counts every outbound call and the
 * deltas the triggers kept since the first half, in one snapshot, and keeps
 * the difference as the base (unless another call kept one first).
 */
void		count_base_alongside_writers(Oid namespace_oid, Oid calls_relid);

/* The counts are no longer kept (the base row goes: readers count again); false if they were not. */
bool		forget_kept_counts(Oid namespace_oid);

/* The kept counts in the active snapshot; false if it sees none kept. */
bool		read_kept_counts(Oid namespace_oid, int64 counts[]);

/*
 * Every outbound call of `calls_relid` counted by a scan, as the counts'
 * owner: every row, whatever the policies (what the kept counts must equal);
 * in the active snapshot, or in a new one (READ COMMITTED).
 */
void		count_every_row(Oid namespace_oid, Oid calls_relid, bool fresh_snapshot, int64 counts[]);

/*
 * The outbound calls the caller may see, per category, as the summary query
 * counts them: from the kept counts when those are exactly what that scan
 * would return for this caller, else by the scan (which then raises any
 * error the caller's read raises).  `function_oid` is the calling callboard
 * function.
 */
void		outbound_call_counts(Oid function_oid, int64 counts[]);

#endif
