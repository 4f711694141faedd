// off_loop(): the work runs on the pool's threads, and the coroutine comes
// back to its own loop's thread afterwards, with the result or the exception.
#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

#include "core/off_loop.hpp"

using namespace gateway;

TEST(OffLoop, RunsOnThePoolAndResumesOnTheLoop)
{
	net::io_context loop;
	net::thread_pool pool(1);
	std::thread::id loop_thread, work_thread, resumed_thread;
	int			result = 0;
	net::co_spawn(loop, [&]() -> awaitable<void> {
		loop_thread = std::this_thread::get_id();
		result = co_await off_loop(pool.get_executor(), [&] {
			work_thread = std::this_thread::get_id();
			return 42;
		});
		resumed_thread = std::this_thread::get_id();
	}, net::detached);
	loop.run();
	pool.join();
	EXPECT_EQ(result, 42);
	EXPECT_NE(work_thread, loop_thread);
	EXPECT_EQ(resumed_thread, loop_thread);
}

/* What Boost 1.74's co_await net::post(pool, use_awaitable) did not do: the work after it is off the loop. */
TEST(OffLoop, TheLoopServesOthersWhileTheWorkRuns)
{
	net::io_context loop;
	net::thread_pool pool(1);
	bool		others_served_meanwhile = false;
	bool		work_done = false;
	net::co_spawn(loop, [&]() -> awaitable<void> {
		co_await off_loop(pool.get_executor(), [&] {
			std::this_thread::sleep_for(std::chrono::milliseconds(200));
			work_done = true;
		});
	}, net::detached);
	net::co_spawn(loop, [&]() -> awaitable<void> {
		net::steady_timer t(co_await net::this_coro::executor, std::chrono::milliseconds(20));
		co_await t.async_wait(use_awaitable);
		others_served_meanwhile = !work_done;
	}, net::detached);
	loop.run();
	pool.join();
	EXPECT_TRUE(work_done);
	EXPECT_TRUE(others_served_meanwhile);
}

TEST(OffLoop, AnExceptionComesBackToTheCaller)
{
	net::io_context loop;
	net::thread_pool pool(1);
	std::string caught;
	std::thread::id loop_thread, caught_thread;
	net::co_spawn(loop, [&]() -> awaitable<void> {
		loop_thread = std::this_thread::get_id();
		try
		{
			co_await off_loop(pool.get_executor(), []() -> int { throw std::runtime_error("no"); });
		}
		catch (const std::runtime_error &e)
		{
			caught = e.what();
			caught_thread = std::this_thread::get_id();
		}
	}, net::detached);
	loop.run();
	pool.join();
	EXPECT_EQ(caught, "no");
	EXPECT_EQ(caught_thread, loop_thread);
}
