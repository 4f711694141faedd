/*
 * running_queries.hpp
 *		The builds' queries under way, so that shutdown can interrupt them.
 */
#ifndef CALLBOARD_GATEWAY_RUNNING_QUERIES_HPP
#define CALLBOARD_GATEWAY_RUNNING_QUERIES_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "core/asio.hpp"
#include "core/guarded.hpp"

namespace gateway {

/*
 * Once shutdown's grace is over, cancel_all() interrupts every query
 * registered, and any registered after.  Any thread; its own lock.
 */
class RunningQueries
{
public:
	/*
	 * A query in the registry, from the moment the database layer attaches
	 * it until it detaches it, or this goes: an entry never outlives the
	 * query it would interrupt.
	 */
	class Registration
	{
	public:
		Registration(RunningQueries &owner, Executor loop) : owner_(owner), loop_(loop) {}
		Registration(const Registration &) = delete;
		Registration &operator=(const Registration &) = delete;
		~Registration();

		/* On the query's loop: what stops it now, or nullptr once it is over. */
		void		set(std::function<void()> interrupt);

	private:
		RunningQueries &owner_;
		Executor	loop_;
		std::uint64_t id_ = 0;
		std::shared_ptr<bool> alive_;	/* while registered: false once detached (read on the loop only) */
	};

	/* Any thread: every query running is interrupted, and every one that starts from now on. */
	void		cancel_all();
	/* cancel_all() ran. */
	bool		cancelled() const;
	std::size_t size() const;

private:
	mutable Mutex mutex_;
	std::map<std::uint64_t, std::function<void()>> running_ GUARDED_BY(mutex_);	/* how to stop each */
	std::uint64_t next_ GUARDED_BY(mutex_) = 0;
	bool		cancelled_ GUARDED_BY(mutex_) = false;
};

}								/* namespace gateway */

#endif
