/*
 * cohort_state.hpp
 *		Inside the cohorts (cohorts.cpp, cohort_refresh.cpp): one audience's
 *		state, and the objects that hold a build across its co_awaits.
 */
#ifndef CALLBOARD_GATEWAY_COHORT_STATE_HPP
#define CALLBOARD_GATEWAY_COHORT_STATE_HPP

#include <list>
#include <memory>
#include <vector>

#include "core/wake_up.hpp"
#include "http/conditional.hpp"
#include "live/cohorts.hpp"
#include "live/document_expiry.hpp"

namespace gateway {

struct Cohorts::Cohort
{
	explicit	Cohort(Audience a) : audience(std::move(a)), shows(rpc_categories(*audience.function, audience.args)) {}

	const Audience audience;
	const callboard::CategorySet shows;	/* the categories whose calls its document can show */

	/* Guarded by Cohorts::mutex_. */
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
	bool		too_large = false;	/* the last build was, with the feed at too_large_sequence */
	std::uint64_t too_large_sequence = 0;
	std::size_t too_large_limit = 0;	/* over this callboard-cache-max-entry-bytes */
	int			builds_running = 0;	/* a GET's, a refresh's: at most one of each */
	std::uint64_t build_count = 0;	/* builds finished, for those waiting on one */
	Built		last_build;
	std::vector<std::shared_ptr<WakeUp>> waiting;
	std::vector<std::weak_ptr<Watcher>> watchers;
	std::list<std::shared_ptr<Cohort>>::iterator recent;	/* valid while unwatched */
	bool		in_recent = false;
	bool		listed = true;	/* in cohorts_: what it keeps counts in bytes_ */
	/* Refreshes, on the refresh loop. */
	bool		refresh_due = false;	/* one is scheduled (in due_) or running */
	Clock::time_point due_at{};	/* scheduled: not before then (callboard-live-interval-ms) */
	bool		again = false;	/* the feed moved while one ran */
	Clock::time_point last_refresh{};
	std::uint64_t offered = 0;	/* the version number watchers were last offered */
	std::string failing;		/* the error watchers were last told of, until a refresh succeeds */

	std::size_t bytes() const
	{
		/* The body and, at most, as much again for its compressed form or event. */
		return current ? 2 * current->body().size() : 0;
	}
};

/*
 * A build of a cohort, counted in its builds_running from the moment the
 * ticket is made (under mutex_) until finish() keeps what the build got and
 * wakes everyone waiting for it.  A build that ends by an exception never
 * calls finish(): the destructor then settles it with an error, so no count
 * stays up (which would stop eviction and make every later request wait for
 * a build that is not running) and no waiter sleeps out its wait.
 */
class Cohorts::BuildTicket
{
public:
	/* With mutex_ held. */
	BuildTicket(Cohorts &owner, std::shared_ptr<Cohort> c) : owner_(owner), c_(std::move(c))
	{
		c_->builds_running++;
	}
	BuildTicket(const BuildTicket &) = delete;
	BuildTicket &operator=(const BuildTicket &) = delete;

	~BuildTicket()
	{
		if (settled_)
			return;
		try
		{
			Built		failed;
			failed.error = internal_error("the build of this document failed");
			std::vector<std::shared_ptr<WakeUp>> waiting;
			{
				std::lock_guard<std::mutex> lock(owner_.mutex_);
				waiting = settle(std::move(failed));
			}
			for (auto &w : waiting)
				w->notify();
		}
		catch (...)
		{
			/* Out of memory while unwinding: the waiters' own deadline ends their wait. */
		}
	}

	const std::shared_ptr<Cohort> &cohort() const { return c_; }

	/*
	 * The build's result: `body` kept if it is one (hashed here, outside the
	 * lock); `limit` the size it was held to.  When the read says no
	 * row-level security applied, it is also every sharer's document (their
	 * own Built in `shared`, one each); else `shared` stays empty.
	 */
	void		finish(Built &built, std::string body, const ReadStart &start, std::size_t limit,
					   const std::vector<std::shared_ptr<Cohort>> &sharers, std::vector<Built> &shared)
	{
		bool		keeping = !built.too_large && !built.error;
		std::string etag = keeping ? etag_of(body) : std::string();
		Built		result = built;
		std::vector<std::shared_ptr<WakeUp>> waiting;
		{
			std::lock_guard<std::mutex> lock(owner_.mutex_);
			if (built.too_large)
			{
				c_->too_large = true;
				c_->too_large_sequence = start.sequence;
				c_->too_large_limit = limit;
			}
			else if (keeping)
			{
				c_->reads_all_rows = built.reads_all_rows;
				for (const auto &s : sharers)
				{
					s->reads_all_rows = built.reads_all_rows;
					if (!built.reads_all_rows)
						continue;
					Built		theirs;
					theirs.reads_all_rows = true;
					owner_.keep(*s, body, etag, start, theirs);
					shared.push_back(std::move(theirs));
				}
				owner_.keep(*c_, std::move(body), std::move(etag), start, built);
			}
			result.version = built.version;
			waiting = settle(std::move(result));
		}
		for (auto &w : waiting)
			w->notify();
	}

private:
	/* With mutex_ held; nothing here throws.  Returns who to wake. */
	std::vector<std::shared_ptr<WakeUp>> settle(Built result)
	{
		settled_ = true;
		c_->last_build = std::move(result);
		c_->builds_running--;
		c_->build_count++;
		owner_.counters_.builds++;
		std::vector<std::shared_ptr<WakeUp>> waiting;
		waiting.swap(c_->waiting);
		owner_.evict();
		return waiting;
	}

	Cohorts    &owner_;
	std::shared_ptr<Cohort> c_;
	bool		settled_ = false;
};

/*
 * A build's query in the registry cancel_builds() interrupts at shutdown,
 * from the moment the database layer attaches it until it detaches it, or
 * this goes: an entry never outlives the query it would interrupt.
 */
class Cohorts::Registration
{
public:
	Registration(Cohorts &owner, Executor loop) : owner_(owner), loop_(loop) {}
	Registration(const Registration &) = delete;
	Registration &operator=(const Registration &) = delete;
	~Registration()
	{
		try
		{
			set(nullptr);
		}
		catch (...)
		{
		}
	}

	/* On the query's loop: what stops it now, or nullptr once it is over. */
	void		set(std::function<void()> interrupt)
	{
		std::lock_guard<std::mutex> lock(owner_.mutex_);
		if (id_ != 0)
		{
			owner_.running_.erase(id_);
			id_ = 0;
			*alive_ = false;
			alive_.reset();
		}
		if (!interrupt)
			return;
		alive_ = std::make_shared<bool>(true);
		id_ = ++owner_.next_build_;
		/* Any thread may call it: it interrupts on the query's loop, if the query still runs. */
		auto		stop = [loop = loop_, alive = alive_, interrupt] {
			net::post(loop, [alive, interrupt] {
				if (*alive)
					interrupt();
			});
		};
		owner_.running_[id_] = stop;
		if (owner_.builds_cancelled_)
			stop();				/* shutdown's grace is over: no query may start */
	}

private:
	Cohorts    &owner_;
	Executor	loop_;
	std::uint64_t id_ = 0;
	std::shared_ptr<bool> alive_;	/* while registered: false once detached (read on the loop only) */
};

}								/* namespace gateway */

#endif
