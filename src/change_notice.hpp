/*
 * change_notice.hpp
 *		What a committing transaction tells callboard_changes, once.
 *
 * The change signal's triggers do not NOTIFY themselves: a transaction that
 * has NOTIFYed cannot be prepared (PREPARE TRANSACTION refuses it), and the
 * signal must not take two-phase commit away from the app.  Instead they
 * note what they touched here, per (sub)transaction level, and a callback
 * NOTIFYs just before the transaction commits (PostgreSQL delivers it with
 * the commit): "privileges" if it may have changed who sees what, and one
 * payload for the rows (change_payload.hpp).  A subtransaction that rolls back takes its notes with
 * it; a transaction that rolls back or is prepared sends nothing (a
 * prepared one's change reaches listeners with the next notification: COMMIT
 * PREPARED runs no trigger).
 */
#ifndef CALLBOARD_CHANGE_NOTICE_HPP
#define CALLBOARD_CHANGE_NOTICE_HPP

#include "change_payload.hpp"

/* The transaction touched outbound calls in these categories. */
void		note_calls_changed(callboard::CategorySet touched);

/* The transaction may have changed anything (an agent's name is in every category). */
void		note_anything_changed(void);

/* The transaction may change who sees what (GRANT, a policy, ...): "privileges". */
void		note_privileges_changed(void);

/* Registers the transaction callbacks: once, from _PG_init(). */
void		register_change_notice(void);

#endif
