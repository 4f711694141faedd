// LogQueue: pushing never waits for the descriptor; lines arrive whole and
// in order; when the reader falls behind, lines are dropped and counted,
// and a line says so once there is room again.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "core/log_queue.hpp"

using gateway::LogQueue;

namespace {

std::string read_all(int fd)
{
	std::string out;
	char		buf[65536];
	for (;;)
	{
		ssize_t		n = ::read(fd, buf, sizeof buf);
		if (n <= 0)
			return out;
		out.append(buf, static_cast<std::size_t>(n));
	}
}

}								/* namespace */

TEST(LogQueue, LinesArriveWholeAndInOrder)
{
	int			fds[2];
	ASSERT_EQ(pipe(fds), 0);
	{
		LogQueue	queue(fds[1]);
		std::thread writers[4];
		for (int t = 0; t < 4; t++)
			writers[t] = std::thread([&queue, t] {
				for (int i = 0; i < 500; i++)
					queue.push("writer " + std::to_string(t) + " line " + std::to_string(i) + "\n");
			});
		std::string text;
		std::thread reader([&] { text = read_all(fds[0]); });
		for (auto &w : writers)
			w.join();
		queue.flush();
		close(fds[1]);
		reader.join();
		std::istringstream lines(text);
		int			next[4] = {0, 0, 0, 0};
		int			count = 0;
		for (std::string line; std::getline(lines, line); count++)
		{
			int			t = -1, i = -1;
			ASSERT_EQ(sscanf(line.c_str(), "writer %d line %d", &t, &i), 2) << line;
			EXPECT_EQ(i, next[t]++) << "out of order or torn";
		}
		EXPECT_EQ(count, 2000);
		EXPECT_EQ(queue.dropped(), 0u);
	}
	close(fds[0]);
}

/* Nobody reads the pipe: pushing goes on at full speed, and what does not fit is dropped and counted. */
TEST(LogQueue, AStalledDescriptorNeverBlocksThePusher)
{
	int			fds[2];
	ASSERT_EQ(pipe(fds), 0);
	{
		LogQueue	queue(fds[1], 64 * 1024);
		std::string line(99, 'x');
		line += '\n';
		auto		start = std::chrono::steady_clock::now();
		for (int i = 0; i < 10000; i++)		/* 1 MB: far more than the pipe and the queue hold */
			queue.push(line);
		EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
		EXPECT_GT(queue.dropped(), 0u);
		EXPECT_LT(queue.dropped(), 10000u);

		/* The reader comes back: what was queued arrives, then the count of what was not. */
		std::string text;
		std::thread reader([&] { text = read_all(fds[0]); });
		queue.push("after\n");
		queue.flush();
		close(fds[1]);
		reader.join();
		EXPECT_NE(text.find("log lines dropped"), std::string::npos);
		EXPECT_NE(text.find("after\n"), std::string::npos);
	}
	close(fds[0]);
}
