/*
 * cohorts.hpp
 *		One document per audience: built once, answered from memory while
 *		nothing changed, refreshed once per change for everyone watching.
 *
 * An audience (audience.hpp) is everything a document can depend on, and
 * the document is read with exactly that and nothing else: a body built for
 * one audience goes to it alone.  Tokens of the same user (same claims but
 * for exp, iat, nbf and jti) share a cohort.
 *
 * Here: one build at a time per cohort, for everyone asking (BuildTicket,
 * build_ticket.hpp), and what ties the rest together: the cohorts'
 * state (cohort.hpp), the kept documents (document_cache.hpp), their
 * versions (version.hpp), the refreshes (cohort_refresh.cpp), the queries
 * shutdown interrupts (running_queries.hpp).
 *
 * A cohort's current version is fresh while the change feed is pushing, has
 * not moved since the version's query began, and that query began less than
 * callboard-cache-max-age seconds ago: then a GET is answered from memory, a
 * 304 when the client has it.  When the feed moves, every watched cohort is
 * refreshed, at most once per callboard-live-interval-ms, and its watchers
 * get the new version only if the bytes changed.  When it says privileges or
 * policies changed, every kept document nobody watches is dropped as well
 * (forget()).  Without the feed, watched cohorts poll every
 * callboard-live-poll-interval seconds; with it, a watched document is read
 * again once it is callboard-cache-max-age old, so what no notification can
 * tell (ALTER ROLE, role membership) reaches every stream too.
 *
 * A document that depends on the clock too (a timeline, RpcFunction::
 * expires_at) is fresh only until the time it gives; watched, it is
 * refreshed at the first poll tick after that time, changes or not.
 *
 * Documents larger than callboard-cache-max-entry-bytes are not kept and
 * cannot be watched: they stream to each client (handlers.cpp).  Unwatched
 * cohorts are dropped, least recently used first, past callboard-cache-bytes.
 */
#ifndef CALLBOARD_GATEWAY_COHORTS_HPP
#define CALLBOARD_GATEWAY_COHORTS_HPP

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/reloadable_config.hpp"
#include "core/asio.hpp"
#include "core/guarded.hpp"
#include "core/wake_up.hpp"
#include "http/responder.hpp"
#include "change_payload.hpp"
#include "live/audience.hpp"
#include "live/document_cache.hpp"
#include "live/running_queries.hpp"
#include "live/version.hpp"

namespace gateway {

class BuildSink;				/* build_sink.hpp */
class ChangeFeed;				/* change_feed.hpp */
class Cohort;					/* cohort.hpp */
class Database;				/* database.hpp */
struct ReadStart;				/* cohort.hpp */

struct CohortStats
{
	std::size_t cohorts = 0;
	std::size_t watched = 0;
	std::size_t watchers = 0;
	std::size_t bytes = 0;
	std::size_t builds_running = 0;	/* builds under way */
	std::size_t build_waiters = 0;	/* requests waiting for another's build */
	std::size_t cancellable = 0;	/* builds registered for cancel_builds() */
	std::uint64_t builds = 0;	/* queries run */
	std::uint64_t hits = 0;		/* answered from memory */
	std::uint64_t refreshes = 0;	/* of watched cohorts */
	std::uint64_t forgets = 0;	/* every kept document dropped at once */
};

class Cohorts
{
public:
	/* Refreshes run on `refresh_loop`. */
	Cohorts(const ReloadableConfig &reloadable, Database &db, ChangeFeed &feed, Executor refresh_loop);
	~Cohorts();

	/*
	 * The audience's document: from memory when fresh, else built (one query
	 * for concurrent askers).  If this request builds it and it turns out too
	 * large to keep, it is streamed to `out` at once (Built::streamed).
	 */
	awaitable<Built> get(const Audience &audience, Responder *out = nullptr);

	/* Watch the audience's cohort; until unwatch(), the watcher is offered each new version. */
	void		watch(const Audience &audience, const std::shared_ptr<Watcher> &watcher);
	void		unwatch(const std::string &audience_key, const std::shared_ptr<Watcher> &watcher);

	/*
	 * The change feed moved (on the refresh loop): refresh every watched
	 * cohort whose document can show calls of `categories` (all of them by
	 * default: a poll, a reconnect).
	 */
	void		changed(callboard::CategorySet categories = callboard::kEveryRow);

	/*
	 * Privileges or policies changed (on the refresh loop): drop every kept
	 * document nobody watches; the others are stale already (the feed moved)
	 * and changed() refreshes them.
	 */
	void		forget();

	/*
	 * On the refresh loop until stop(): while the feed is not pushing,
	 * refresh watched cohorts every callboard-live-poll-interval; while it
	 * is, those whose document is callboard-cache-max-age old.
	 */
	awaitable<void> poll();

	/*
	 * On the refresh loop until stop(): runs the refreshes scheduled, oldest
	 * first, at most callboard-live-max-refreshes at once.
	 */
	awaitable<void> refresher();

	/* Shutdown begins (on the refresh loop): no more polling or refreshing. */
	void		stop();

	/* Shutdown's grace is over (any thread): every build running is cancelled. */
	void		cancel_builds();

	CohortStats stats() const;

private:
	class BuildTicket;
	class RefreshDue;
	class RefreshSlot;
	using Clock = std::chrono::steady_clock;

	bool		fresh(const Cohort &c, Clock::time_point now) const REQUIRES(mutex_);
	callboard::CategorySet depends_on(const Cohort &c) const REQUIRES(mutex_);
	bool		known_too_large(const Cohort &c) const REQUIRES(mutex_);
	ReadStart	read_start() const;
	std::optional<Built> what_another_built(const Cohort &c, std::uint64_t waited_for) EXCLUDES(mutex_);
	awaitable<Built> build(BuildTicket &ticket, Responder *out,
						   std::vector<std::shared_ptr<Cohort>> sharers = {});
	awaitable<Built> what_was_built(BuildSink &collect, const DbOutcome &outcome);
	void		schedule(const std::shared_ptr<Cohort> &c) REQUIRES(mutex_);
	std::vector<std::shared_ptr<Cohort>> take_due(Clock::time_point now, Clock::time_point &next) REQUIRES(mutex_);
	awaitable<void> refresh(std::vector<std::shared_ptr<Cohort>> group);
	void		tell_watchers(const std::shared_ptr<Cohort> &c, const Built &built) EXCLUDES(mutex_);

	const ReloadableConfig &config_;
	Database   &db_;
	ChangeFeed &feed_;
	Executor	refresh_loop_;
	const std::string quoted_schema_;
	const std::string search_path_;

	/*
	 * The cohorts' one lock: the kept documents, every cohort's state
	 * (Cohort::locked()), the counters and the refresh queue.
	 */
	mutable Mutex mutex_;
	DocumentCache documents_ GUARDED_BY(mutex_);
	CohortStats counters_ GUARDED_BY(mutex_);
	std::deque<std::shared_ptr<Cohort>> due_ GUARDED_BY(mutex_);	/* refreshes scheduled, oldest first */
	int			refreshing_ GUARDED_BY(mutex_) = 0;	/* refreshes running */
	std::shared_ptr<WakeUp> refresher_wake_ GUARDED_BY(mutex_);	/* the refresher's, on the refresh loop */

	/* On the refresh loop alone: no lock. */
	struct
	{
		bool		stopping = false;	/* stop() came: no more polling or refreshing */
		std::unique_ptr<net::steady_timer> poll_timer;	/* while poll() waits */
	}			on_refresh_loop_;

	RunningQueries queries_;	/* builds under way: how to stop each (its own lock) */
};

}								/* namespace gateway */

#endif
