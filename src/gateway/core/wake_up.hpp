/*
 * wake_up.hpp
 *		Waking a coroutine on its own event loop from any thread, without ever
 *		losing the wake-up.
 *
 * A coroutine that waits for something another loop produces (a pooled
 * connection, another request's build, a new version of a watched
 * document) waits on a WakeUp of its own loop; the producer calls notify()
 * from wherever it is.  A notification is remembered until the receiver
 * takes it: one that arrives while the receiver is busy elsewhere (writing
 * to its client, waiting on the database) makes the receiver's next wait
 * return at once.  Several notifications before a wait count as one.
 *
 * (Cancelling a timer from another loop is not enough: a timer nobody
 * waits on has nothing to cancel, and the wake-up is lost until the timer's
 * deadline.)
 */
#ifndef CALLBOARD_GATEWAY_WAKE_UP_HPP
#define CALLBOARD_GATEWAY_WAKE_UP_HPP

#include <atomic>
#include <chrono>
#include <memory>

#include "core/asio.hpp"

namespace gateway {

class WakeUp : public std::enable_shared_from_this<WakeUp>
{
public:
	/* Owned through a shared_ptr: a notification may still be on its way when the owner lets go. */
	static std::shared_ptr<WakeUp> on(Executor loop);

	/* From any thread. */
	void		notify();

	/*
	 * On the WakeUp's loop, one waiter at a time: true once notified (now,
	 * or at any time since the last wait returned), false at `deadline`.
	 */
	awaitable<bool> wait_until(std::chrono::steady_clock::time_point deadline);

	explicit	WakeUp(Executor loop);

	/* The loop it wakes a coroutine on. */
	Executor	loop() { return timer_.get_executor(); }

private:
	net::steady_timer timer_;
	std::atomic<bool> pending_{false};
	bool		waiting_ = false;	/* on the loop only */
};

}								/* namespace gateway */

#endif
