// WakeUp: a notification from another thread is never lost, whether the
// receiver is waiting or busy when it arrives.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/wake_up.hpp"

using namespace gateway;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

namespace {

/* Runs `body` as a coroutine on a loop of its own thread, to its end. */
template <class Body>
void
on_loop(Body body)
{
	net::io_context loop;
	std::exception_ptr failure;
	net::co_spawn(loop, body(loop.get_executor()), [&](std::exception_ptr e) { failure = e; });
	loop.run();
	if (failure)
		std::rethrow_exception(failure);
}

awaitable<void>
pause(Executor loop, Clock::duration d)
{
	net::steady_timer t(loop, d);
	co_await t.async_wait(use_awaitable);
}

}								/* namespace */

TEST(WakeUp, ANotificationBeforeTheWaitEndsItAtOnce)
{
	on_loop([](Executor loop) -> awaitable<void> {
		auto		wake = WakeUp::on(loop);
		wake->notify();
		auto		start = Clock::now();
		EXPECT_TRUE(co_await wake->wait_until(Clock::now() + 10s));
		EXPECT_LT(Clock::now() - start, 1s);
	});
}

TEST(WakeUp, WithoutANotificationTheWaitEndsAtItsDeadline)
{
	on_loop([](Executor loop) -> awaitable<void> {
		auto		wake = WakeUp::on(loop);
		auto		start = Clock::now();
		EXPECT_FALSE(co_await wake->wait_until(Clock::now() + 50ms));
		EXPECT_GE(Clock::now() - start, 50ms);
	});
}

TEST(WakeUp, AnotherThreadWakesAWait)
{
	on_loop([](Executor loop) -> awaitable<void> {
		auto		wake = WakeUp::on(loop);
		std::thread other([wake] {
			std::this_thread::sleep_for(50ms);
			wake->notify();
		});
		auto		start = Clock::now();
		bool		woken = co_await wake->wait_until(Clock::now() + 10s);
		other.join();
		EXPECT_TRUE(woken);
		EXPECT_LT(Clock::now() - start, 5s);
	});
}

/*
 * The lost wake-up a cancelled timer had: the notification arrives while the
 * receiver is busy with something else (writing to its client); its next
 * wait must end at once.
 */
TEST(WakeUp, ANotificationWhileTheReceiverIsBusyIsNotLost)
{
	on_loop([](Executor loop) -> awaitable<void> {
		auto		wake = WakeUp::on(loop);
		std::thread other([wake] {
			std::this_thread::sleep_for(20ms);
			wake->notify();
		});
		co_await pause(loop, 200ms);	/* busy: not waiting when the notification comes */
		other.join();
		auto		start = Clock::now();
		EXPECT_TRUE(co_await wake->wait_until(Clock::now() + 10s));
		EXPECT_LT(Clock::now() - start, 1s);
	});
}

TEST(WakeUp, SeveralNotificationsCountAsOne)
{
	on_loop([](Executor loop) -> awaitable<void> {
		auto		wake = WakeUp::on(loop);
		wake->notify();
		wake->notify();
		wake->notify();
		EXPECT_TRUE(co_await wake->wait_until(Clock::now() + 10s));
		EXPECT_FALSE(co_await wake->wait_until(Clock::now() + 50ms));
	});
}

/* A wake-up taken before it was delivered does not end the next wait for nothing. */
TEST(WakeUp, ATakenNotificationDoesNotWakeTheNextWait)
{
	on_loop([](Executor loop) -> awaitable<void> {
		auto		wake = WakeUp::on(loop);
		wake->notify();			/* its cancel is posted, and runs during the second wait */
		EXPECT_TRUE(co_await wake->wait_until(Clock::now() + 10s));
		auto		start = Clock::now();
		EXPECT_FALSE(co_await wake->wait_until(Clock::now() + 100ms));
		EXPECT_GE(Clock::now() - start, 100ms);
	});
}

/*
 * A producer on another thread publishes versions as fast as it can, and
 * the receiver, busy between its waits, must always see the last one: after
 * the producer's last notification, one wait ends with it.
 */
TEST(WakeUp, TheReceiverAlwaysSeesTheLastVersion)
{
	for (int round = 0; round < 20; round++)
		on_loop([](Executor loop) -> awaitable<void> {
			auto		wake = WakeUp::on(loop);
			std::atomic<int> version{0};
			constexpr int kLast = 2000;
			std::thread producer([&] {
				for (int i = 1; i <= kLast; i++)
				{
					version = i;
					wake->notify();
					if (i % 97 == 0)
						std::this_thread::sleep_for(100us);
				}
			});
			int			seen = 0;
			while (seen < kLast)
			{
				bool		woken = co_await wake->wait_until(Clock::now() + 5s);
				if (!woken)
					break;		/* a lost wake-up: the last version was never seen */
				seen = version.load();
				if (seen % 3 == 0)
					co_await pause(loop, 50us);	/* busy now and then */
			}
			producer.join();
			EXPECT_EQ(seen, kLast);
		});
}
