/*
 * change_notice.cpp
 *		The notes of change_notice.hpp, and the NOTIFY at commit.
 */
#include "change_notice.hpp"

extern "C" {
#include "postgres.h"

#include "access/xact.h"
#include "commands/async.h"
}

/*
 * What each transaction nesting level touched: level 1 is the top-level
 * transaction.  Levels deeper than the array share its last entry, whose
 * notes then outlive a rollback of one of those levels: one notification
 * too many, never one too few.
 */
static const int kLevels = 32;

struct Notes
{
	callboard::CategorySet touched;
	bool		anything;
	bool		privileges;
};

static Notes notes[kLevels + 1];

static Notes &
notes_at(int level)
{
	return notes[level < kLevels ? level : kLevels];
}

void
note_calls_changed(callboard::CategorySet touched)
{
	notes_at(GetCurrentTransactionNestLevel()).touched |= touched;
}

void
note_anything_changed(void)
{
	notes_at(GetCurrentTransactionNestLevel()).anything = true;
}

void
note_privileges_changed(void)
{
	notes_at(GetCurrentTransactionNestLevel()).privileges = true;
}

static void
forget_all(void)
{
	for (Notes &n : notes)
		n = Notes{callboard::kNoCategories, false, false};
}

static void
notify_at_commit(XactEvent event, void *arg)
{
	if (event != XACT_EVENT_PRE_COMMIT)
	{
		/* Committed (and notified), rolled back, or prepared: nothing to tell. */
		if (event == XACT_EVENT_COMMIT || event == XACT_EVENT_ABORT || event == XACT_EVENT_PRE_PREPARE)
			forget_all();
		return;
	}
	Notes		top = notes_at(1);

	if (top.privileges)
		Async_Notify(callboard::kChangeChannel, "privileges");
	if (top.anything)
		Async_Notify(callboard::kChangeChannel, "");
	else if (top.touched != callboard::kNoCategories)
	{
		char		payload[callboard::kCallsPayloadMax];

		callboard::write_calls_payload(top.touched, payload);
		Async_Notify(callboard::kChangeChannel, payload);
	}
}

static void
fold_subtransaction(SubXactEvent event, SubTransactionId sub, SubTransactionId parent, void *arg)
{
	int			level = GetCurrentTransactionNestLevel();

	if (level >= kLevels || (event != SUBXACT_EVENT_COMMIT_SUB && event != SUBXACT_EVENT_ABORT_SUB))
		return;
	Notes	   &mine = notes_at(level);

	if (event == SUBXACT_EVENT_COMMIT_SUB)
	{
		Notes	   &up = notes_at(level - 1);

		up.touched |= mine.touched;
		up.anything = up.anything || mine.anything;
		up.privileges = up.privileges || mine.privileges;
	}
	mine = Notes{callboard::kNoCategories, false, false};
}

void
register_change_notice(void)
{
	RegisterXactCallback(notify_at_commit, NULL);
	RegisterSubXactCallback(fold_subtransaction, NULL);
}
