/*
 * wake_up.cpp
 *		A remembered flag, and a timer cancelled on its own loop.
 *
 * pending_ is what cannot be lost: notify() sets it before anything else,
 * and the receiver reads (and clears) it before it waits and after every
 * wake, whatever woke it.  The timer only shortens a wait in progress: its
 * cancel runs on the loop, where wait_until() runs too, so it sees exactly
 * whether a wait is under way and whether the notification is still
 * untaken (a late cancel after the receiver took it would wake the next
 * wait for nothing).
 */
#include "core/wake_up.hpp"

namespace gateway {

std::shared_ptr<WakeUp>
WakeUp::on(Executor loop)
{
	return std::make_shared<WakeUp>(loop);
}

WakeUp::WakeUp(Executor loop)
	: timer_(loop)
{
}

void
WakeUp::notify()
{
	/* Already pending: a cancel is on its way, or the receiver will see the flag. */
	if (pending_.exchange(true))
		return;
	/* On the loop already (a batch of watchers told there): no task needed. */
	Executor	own_loop = loop();	/* named: target() points into it */
	auto	   *own = own_loop.target<net::io_context::executor_type>();
	if (own && own->running_in_this_thread())
	{
		if (waiting_)
			timer_.cancel();
		return;
	}
	net::post(own_loop, [self = shared_from_this()] {
		if (self->waiting_ && self->pending_.load())
			self->timer_.cancel();
	});
}

awaitable<bool>
WakeUp::wait_until(std::chrono::steady_clock::time_point deadline)
{
	if (pending_.exchange(false))
		co_return true;
	timer_.expires_at(deadline);
	waiting_ = true;
	boost::system::error_code ec;
	co_await timer_.async_wait(net::redirect_error(use_awaitable, ec));
	waiting_ = false;
	co_return pending_.exchange(false);
}

}								/* namespace gateway */
