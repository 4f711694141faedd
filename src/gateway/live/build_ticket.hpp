/*
 * build_ticket.hpp
 *		Inside the cohorts (cohorts.cpp, cohort_refresh.cpp): what holds a
 *		cohort's build across its co_awaits.
 */
#ifndef CALLBOARD_GATEWAY_BUILD_TICKET_HPP
#define CALLBOARD_GATEWAY_BUILD_TICKET_HPP

#include <memory>
#include <vector>

#include "core/guarded.hpp"
#include "core/wake_up.hpp"
#include "http/conditional.hpp"
#include "live/cohort.hpp"
#include "live/cohorts.hpp"

namespace gateway {

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
	BuildTicket(Cohorts &owner, std::shared_ptr<Cohort> c) REQUIRES(owner.mutex_)
		: owner_(owner), c_(std::move(c))
	{
		c_->locked(owner_.mutex_).builds_running++;
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
				MutexLock	lock(owner_.mutex_);
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
			MutexLock	lock(owner_.mutex_);
			Cohort::State &s = c_->locked(owner_.mutex_);
			if (built.too_large)
			{
				s.too_large = true;
				s.too_large_sequence = start.sequence;
				s.too_large_limit = limit;
			}
			else if (keeping)
			{
				s.reads_all_rows = built.reads_all_rows;
				for (const auto &sharer : sharers)
				{
					sharer->locked(owner_.mutex_).reads_all_rows = built.reads_all_rows;
					if (!built.reads_all_rows)
						continue;
					Built		theirs;
					theirs.reads_all_rows = true;
					owner_.documents_.keep(*sharer, body, etag, start, theirs);
					shared.push_back(std::move(theirs));
				}
				owner_.documents_.keep(*c_, std::move(body), std::move(etag), start, built);
			}
			result.version = built.version;
			waiting = settle(std::move(result));
		}
		for (auto &w : waiting)
			w->notify();
	}

private:
	/* Nothing here throws.  Returns who to wake. */
	std::vector<std::shared_ptr<WakeUp>> settle(Built result) REQUIRES(owner_.mutex_)
	{
		settled_ = true;
		Cohort::State &s = c_->locked(owner_.mutex_);
		s.last_build = std::move(result);
		s.builds_running--;
		s.build_count++;
		owner_.counters_.builds++;
		std::vector<std::shared_ptr<WakeUp>> waiting;
		waiting.swap(s.waiting);
		owner_.documents_.evict();
		return waiting;
	}

	Cohorts    &owner_;
	std::shared_ptr<Cohort> c_;
	bool		settled_ = false;
};

}								/* namespace gateway */

#endif
