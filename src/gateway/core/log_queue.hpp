/*
 * log_queue.hpp
 *		Lines for a file descriptor, written by a thread of their own.
 *
 * The access log and the events go to stdout, which may be a pipe to a
 * journal or a file on a slow disk: a write(2) there can block, and on an
 * event loop it would stall every connection the loop serves.  So lines are
 * queued (in memory, at most max_bytes of them) and one thread writes them,
 * in order and whole: lines never interleave.  When the queue is full (the
 * descriptor takes less than the gateway writes) new lines are dropped and
 * counted, and once there is room again a line says how many were.
 */
#ifndef CALLBOARD_GATEWAY_LOG_QUEUE_HPP
#define CALLBOARD_GATEWAY_LOG_QUEUE_HPP

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace gateway {

class LogQueue
{
public:
	static constexpr std::size_t kDefaultMaxBytes = 8 << 20;

	explicit	LogQueue(int fd, std::size_t max_bytes = kDefaultMaxBytes);
	/* Writes what is queued, then stops. */
	~LogQueue();
	LogQueue(const LogQueue &) = delete;
	LogQueue &operator=(const LogQueue &) = delete;

	/* A whole line, with its newline.  Never waits for the descriptor. */
	void		push(std::string line);

	/* Returns once every line pushed so far is written (or dropped). */
	void		flush();

	/* Lines dropped so far because the queue was full. */
	std::uint64_t dropped() const;

private:
	void		run();
	void		write_all(const std::string &text);

	const int	fd_;
	const std::size_t max_bytes_;
	mutable std::mutex mutex_;
	std::condition_variable wake_;	/* the writer: lines, or stop */
	std::condition_variable idle_;	/* flush(): the queue is written */
	std::deque<std::string> lines_;
	std::size_t bytes_ = 0;
	bool		writing_ = false;
	bool		stopping_ = false;
	std::uint64_t dropped_ = 0;
	std::uint64_t unreported_ = 0;	/* dropped since the last line that said so */
	std::thread writer_;
};

}								/* namespace gateway */

#endif
