/*
 * metrics.hpp
 *		Counters for Prometheus, served on the admin listener at /metrics.
 *
 * Requests by route and status, their latency (a histogram) and the bytes
 * sent are counted as each exchange ends; everything else is read when
 * /metrics is asked: open connections, the pools, the change feed and the
 * cohorts.  The text is Prometheus' exposition format 0.0.4.
 *
 * Route labels are a closed set (the paths the gateway serves, /rpc/<name>
 * for the functions it serves), so a client cannot grow the series.
 */
#ifndef CALLBOARD_GATEWAY_METRICS_HPP
#define CALLBOARD_GATEWAY_METRICS_HPP

#include <array>
#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/access_log.hpp"
#include "db/db_pool.hpp"
#include "live/cohorts.hpp"

namespace gateway {

/* What /metrics reads from the rest of the gateway when asked. */
struct MetricsSources
{
	int			open_connections = 0;
	std::vector<std::pair<std::string, PoolStats>> pools;	/* by database (host:port/name) */
	bool		feed_pushing = false;
	std::uint64_t feed_sequence = 0;
	CohortStats cohorts;
	std::uint64_t config_reloads = 0;
	std::uint64_t config_reload_failures = 0;
	std::vector<std::pair<std::string, std::uint64_t>> task_failures;	/* by task (spawn.hpp) */
	std::uint64_t log_lines_dropped = 0;
};

class Metrics
{
public:
	/* One exchange ended (the access log's record). */
	void		record(const AccessRecord &record);

	std::string render(const MetricsSources &sources) const;

	/* The route label of a path: a closed set. */
	static std::string route_label(std::string_view path);

private:
	void		render_http(std::ostream &out) const;
	static void render_pools(std::ostream &out, const MetricsSources &s);
	static void render_samples(std::ostream &out, const MetricsSources &s);

	static constexpr std::array<double, 12> kBuckets = {
		0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

	struct Latency
	{
		std::array<std::uint64_t, kBuckets.size()> buckets{};
		std::uint64_t count = 0;
		double		sum = 0;
	};

	mutable std::mutex mutex_;
	std::map<std::pair<std::string, int>, std::uint64_t> requests_;	/* (route, status) */
	std::map<std::string, Latency> latency_;	/* by route */
	std::map<std::string, std::uint64_t> bytes_;	/* by route */
	std::uint64_t incomplete_ = 0;
};

/* Each exchange to the access log and to the metrics. */
class Telemetry : public ExchangeLog
{
public:
	explicit	Telemetry(const std::string &log_level) : log(log_level) {}

	void		exchange(const AccessRecord &record) override
	{
		log.write(record);
		metrics.record(record);
	}

	AccessLog	log;
	Metrics		metrics;
};

}								/* namespace gateway */

#endif
