/*
 * log_queue.cpp
 *		The queue, and the thread that empties it.
 */
#include "core/log_queue.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

namespace gateway {

LogQueue::LogQueue(int fd, std::size_t max_bytes)
	: fd_(fd), max_bytes_(max_bytes)
{
	/* The writer takes no signal, whenever it starts: they are the main thread's to wait for. */
	sigset_t	all, previous;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &previous);
	writer_ = std::thread([this] { run(); });
	pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

LogQueue::~LogQueue()
{
	{
		std::lock_guard<std::mutex> lock(mutex_);
		stopping_ = true;
	}
	wake_.notify_one();
	writer_.join();
}

void
LogQueue::push(std::string line)
{
	{
		std::lock_guard<std::mutex> lock(mutex_);
		if (bytes_ + line.size() > max_bytes_)
		{
			dropped_++;
			unreported_++;
			return;
		}
		bytes_ += line.size();
		lines_.push_back(std::move(line));
	}
	wake_.notify_one();
}

void
LogQueue::flush()
{
	std::unique_lock<std::mutex> lock(mutex_);
	idle_.wait(lock, [this] { return lines_.empty() && !writing_; });
}

std::uint64_t
LogQueue::dropped() const
{
	std::lock_guard<std::mutex> lock(mutex_);
	return dropped_;
}

void
LogQueue::write_all(const std::string &text)
{
	std::size_t done = 0;
	while (done < text.size())
	{
		ssize_t		n = ::write(fd_, text.data() + done, text.size() - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;				/* the descriptor is gone: nothing to tell it */
		done += static_cast<std::size_t>(n);
	}
}

void
LogQueue::run()
{
	std::unique_lock<std::mutex> lock(mutex_);
	for (;;)
	{
		wake_.wait(lock, [this] { return !lines_.empty() || stopping_; });
		if (lines_.empty() && stopping_)
			return;
		std::deque<std::string> batch;
		batch.swap(lines_);
		std::uint64_t lost = unreported_;
		unreported_ = 0;
		writing_ = true;
		lock.unlock();

		/* One write for many lines when they come faster than they go. */
		std::string text;
		for (std::string &line : batch)
		{
			if (text.size() + line.size() > 65536 && !text.empty())
			{
				write_all(text);
				text.clear();
			}
			text += line;
		}
		if (lost > 0)
			text += "{\"event\":\"" + std::to_string(lost) +
				" log lines dropped: the log's output took less than the gateway wrote\"}\n";
		write_all(text);

		lock.lock();
		for (const std::string &line : batch)
			bytes_ -= line.size();
		writing_ = false;
		if (lines_.empty())
			idle_.notify_all();
	}
}

}								/* namespace gateway */
