/*
 * access_log.hpp
 *		One JSON line per request on stdout, filtered by log-level as
 *		PostgREST filters its own: crit (none), error (5xx), warn (4xx and
 *		5xx), info and debug (all).
 *
 * Lines are queued and written by a thread of their own (log_queue.hpp):
 * logging never blocks an event loop, and when stdout cannot keep up lines
 * are dropped and counted rather than waited for.
 */
#ifndef CALLBOARD_GATEWAY_ACCESS_LOG_HPP
#define CALLBOARD_GATEWAY_ACCESS_LOG_HPP

#include <atomic>
#include <cstdint>
#include <string>

namespace gateway {

struct AccessRecord
{
	std::string remote;
	std::string method;
	std::string path;
	int			status;
	std::size_t bytes;
	double		duration_ms;
	std::string role;
	bool		incomplete = false;	/* the response was cut short (the client sees it) */
};

/* Told of every exchange as it ends (the access log, the metrics). */
class ExchangeLog
{
public:
	virtual		~ExchangeLog() = default;
	virtual void exchange(const AccessRecord &record) = 0;
};

class AccessLog
{
public:
	explicit AccessLog(const std::string &level) { set_level(level); }
	void		write(const AccessRecord &record) const;
	/* On a configuration reload. */
	void		set_level(const std::string &level);

private:
	std::atomic<int> min_status_;	/* log responses with at least this status */
};

/* A line for events that are not requests: start, stop, configuration. */
void		log_event(const std::string &message);

/* Returns once every line so far is written: before the process exits without unwinding. */
void		flush_log();

/* Lines dropped because stdout took less than the gateway wrote (for /metrics). */
std::uint64_t log_lines_dropped();

}								/* namespace gateway */

#endif
