/*
 * running_queries.cpp
 *		Registering queries, and interrupting them at shutdown.
 */
#include "live/running_queries.hpp"

namespace gateway {

RunningQueries::Registration::~Registration()
{
	try
	{
		set(nullptr);
	}
	catch (...)
	{
	}
}

void
RunningQueries::Registration::set(std::function<void()> interrupt)
{
	MutexLock	lock(owner_.mutex_);
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
	id_ = ++owner_.next_;
	/* Any thread may call it: it interrupts on the query's loop, if the query still runs. */
	auto		stop = [loop = loop_, alive = alive_, interrupt] {
		net::post(loop, [alive, interrupt] {
			if (*alive)
				interrupt();
		});
	};
	owner_.running_[id_] = stop;
	if (owner_.cancelled_)
		stop();					/* shutdown's grace is over: no query may start */
}

void
RunningQueries::cancel_all()
{
	std::map<std::uint64_t, std::function<void()>> running;
	{
		MutexLock	lock(mutex_);
		cancelled_ = true;
		running = running_;
	}
	for (auto &[id, interrupt] : running)
		interrupt();
}

bool
RunningQueries::cancelled() const
{
	MutexLock	lock(mutex_);
	return cancelled_;
}

std::size_t
RunningQueries::size() const
{
	MutexLock	lock(mutex_);
	return running_.size();
}

}								/* namespace gateway */
