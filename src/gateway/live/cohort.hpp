/*
 * cohort.hpp
 *		One audience's state: its kept document, its builds, its watchers and
 *		refreshes.
 *
 * Every field that changes is guarded by the cohorts' one lock
 * (Cohorts::mutex_), and reached through locked(), which the compiler
 * checks is called with a lock held (core/guarded.hpp).  The document
 * cache reads them too, from within calls its owner makes under that
 * lock.
 */
#ifndef CALLBOARD_GATEWAY_COHORT_HPP
#define CALLBOARD_GATEWAY_COHORT_HPP

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/api_error.hpp"
#include "core/guarded.hpp"
#include "core/wake_up.hpp"
#include "live/audience.hpp"
#include "live/change_feed.hpp"
#include "live/document_expiry.hpp"
#include "live/version.hpp"

namespace gateway {

/* What a read began with: for keeping its body, and for the documents that share it. */
struct ReadStart
{
	std::uint64_t sequence;		/* the feed's, to order reads */
	ChangeFeed::CategorySequences seen;	/* per category, to tell whether the read is still current */
	std::chrono::steady_clock::time_point began;
};

class Cohort
{
public:
	using Clock = std::chrono::steady_clock;

	explicit	Cohort(Audience a) : audience(std::move(a)), shows(rpc_categories(*audience.function, audience.args)) {}

	const Audience audience;
	const callboard::CategorySet shows;	/* the categories whose calls its document can show */

	struct State
	{
		/* The kept document (DocumentCache). */
		std::shared_ptr<const Version> current;
		std::uint64_t sequence = 0;	/* the feed's sequence when current's query began */
		ChangeFeed::CategorySequences seen{};	/* and its sequence per category */
		/*
		 * The last read said no row-level security applies to the role: the
		 * document then depends on the calls of `shows` alone, and on nothing of
		 * the audience but its share_key.  Not known (false) until a read tells;
		 * forgotten when privileges or policies change.
		 */
		bool		reads_all_rows = false;
		Clock::time_point read_at{};	/* when it began */
		SystemTime	expires = SystemTime::max();	/* current is old from then on, whatever the feed says */
		std::uint64_t numbered = 0;	/* the last version number given */
		std::list<std::shared_ptr<Cohort>>::iterator recent;	/* valid while unwatched */
		bool		in_recent = false;
		bool		listed = true;	/* in the cache: what it keeps counts in its bytes */

		/* Builds (Cohorts::get(), BuildTicket). */
		bool		too_large = false;	/* the last build was, with the feed at too_large_sequence */
		std::uint64_t too_large_sequence = 0;
		std::size_t too_large_limit = 0;	/* over this callboard-cache-max-entry-bytes */
		int			builds_running = 0;	/* a GET's, a refresh's: at most one of each */
		std::uint64_t build_count = 0;	/* builds finished, for those waiting on one */
		Built		last_build;
		std::vector<std::shared_ptr<WakeUp>> waiting;

		/* Watchers (added and removed by the streams' loops) and refreshes (cohort_refresh.cpp, on the refresh loop). */
		std::unordered_map<const Watcher *, std::weak_ptr<Watcher>> watchers;	/* by address: unwatched in O(1) */
		bool		refresh_due = false;	/* one is scheduled (in the queue) or running */
		Clock::time_point due_at{};	/* scheduled: not before then (callboard-live-interval-ms) */
		bool		again = false;	/* the feed moved while one ran */
		Clock::time_point last_refresh{};
		std::uint64_t offered = 0;	/* the version number watchers were last offered */
		std::string failing;	/* the error watchers were last told of, until a refresh succeeds */

		std::size_t bytes() const
		{
			/* The body and, at most, as much again for its compressed form or event. */
			return current ? 2 * current->body().size() : 0;
		}
	};

	/* The state, to a holder of the cohorts' lock. */
	State	   &locked([[maybe_unused]] Mutex &cohorts_lock) REQUIRES(cohorts_lock) { return state_; }
	const State &locked([[maybe_unused]] Mutex &cohorts_lock) const REQUIRES(cohorts_lock) { return state_; }

private:
	friend class DocumentCache;	/* called by its owner under the cohorts' lock */
	State		state_;
};

}								/* namespace gateway */

#endif
