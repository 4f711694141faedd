/*
 * access_log.cpp
 *		Lines written out by the log's own thread (log_queue.hpp), so a slow
 *		stdout never blocks an event loop and lines never interleave.
 */
#include "core/access_log.hpp"

#include <unistd.h>

#include "core/log_queue.hpp"

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>

namespace gateway {

namespace {

std::string utc_now()
{
	auto now = std::chrono::system_clock::now();
	std::time_t secs = std::chrono::system_clock::to_time_t(now);
	auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
	std::tm tm;
	gmtime_r(&secs, &tm);
	char buf[40];
	std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	std::snprintf(buf + n, sizeof buf - n, ".%03lldZ", static_cast<long long>(millis));
	return buf;
}

/* Made on first use, written out and stopped at exit. */
LogQueue &
stdout_queue()
{
	static LogQueue queue(STDOUT_FILENO);
	return queue;
}

void write_line(const nlohmann::ordered_json &line)
{
	stdout_queue().push(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

}								/* namespace */

void
AccessLog::set_level(const std::string &level)
{
	min_status_ = level == "crit" ? 1000 : level == "error" ? 500 : level == "warn" ? 400 : 0;
}

void
AccessLog::write(const AccessRecord &r) const
{
	if (r.status < min_status_)
		return;
	nlohmann::ordered_json line = {
		{"time", utc_now()},
		{"remote", r.remote},
		{"method", r.method},
		{"path", r.path},
		{"status", r.status},
		{"bytes", r.bytes},
		{"ms", static_cast<double>(static_cast<long long>(r.duration_ms * 1000)) / 1000},
		{"role", r.role},
	};
	if (r.incomplete)
		line["incomplete"] = true;
	write_line(line);
}

void
log_event(const std::string &message)
{
	write_line({{"time", utc_now()}, {"event", message}});
}

void
flush_log()
{
	stdout_queue().flush();
}

std::uint64_t
log_lines_dropped()
{
	return stdout_queue().dropped();
}

}								/* namespace gateway */
