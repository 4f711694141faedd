/*
 * metrics.cpp
 *		Counting exchanges; writing the exposition format.
 */
#include "api/metrics.hpp"

#include <sstream>

#include "api/routes.hpp"
#include "rpc/call_args.hpp"

namespace gateway {

namespace {

/* A label value, escaped as the exposition format wants (\\, \", \n). */
std::string
escaped(const std::string &value)
{
	std::string out;
	for (char c : value)
	{
		if (c == '\\' || c == '"')
			out += '\\';
		if (c == '\n')
		{
			out += "\\n";
			continue;
		}
		out += c;
	}
	return out;
}

/* "# HELP name text" and "# TYPE name type". */
void
family(std::ostream &out, const char *name, const char *type, const char *help)
{
	out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

}								/* namespace */

std::string
Metrics::route_label(std::string_view path)
{
	Route		route = find_route(path);
	if (!route)
		return "other";
	if (route.def->rpc)
		return find_rpc_function(route.rpc_name) ? "rpc/" + std::string(route.rpc_name) : "rpc/unknown";
	return std::string(route.def->label);
}

void
Metrics::record(const AccessRecord &record)
{
	std::string route = route_label(record.path);
	double		seconds = record.duration_ms / 1000;
	std::lock_guard<std::mutex> lock(mutex_);
	requests_[{route, record.status}]++;
	Latency    &l = latency_[route];
	for (std::size_t i = 0; i < kBuckets.size(); i++)
		if (seconds <= kBuckets[i])
			l.buckets[i]++;
	l.count++;
	l.sum += seconds;
	bytes_[route] += record.bytes;
	if (record.incomplete)
		incomplete_++;
}

std::string
Metrics::render(const MetricsSources &s) const
{
	std::ostringstream out;
	render_http(out);
	render_pools(out, s);
	render_samples(out, s);
	family(out, "callboard_task_failures_total", "counter",
		   "Coroutines ended by an exception (logged), and requests whose handler threw (answered 500), by task.");
	for (const auto &[task, n] : s.task_failures)
		out << "callboard_task_failures_total{task=\"" << escaped(task) << "\"} " << n << '\n';

	family(out, "callboard_config_reloads_total", "counter", "Configuration reloads, by result.");
	out << "callboard_config_reloads_total{result=\"applied\"} " << s.config_reloads << '\n';
	out << "callboard_config_reloads_total{result=\"refused\"} " << s.config_reload_failures << '\n';
	return out.str();
}

/* What the gateway counted of its exchanges, under its lock. */
void
Metrics::render_http(std::ostream &out) const
{
	std::lock_guard<std::mutex> lock(mutex_);

	family(out, "callboard_http_requests_total", "counter", "HTTP requests answered, by route and status.");
		for (const auto &[key, n] : requests_)
			out << "callboard_http_requests_total{route=\"" << escaped(key.first) << "\",status=\"" << key.second
				<< "\"} " << n << '\n';

		family(out, "callboard_http_request_duration_seconds", "histogram",
			   "Time from a request's first byte to the end of its response.");
		for (const auto &[route, l] : latency_)
		{
			std::string r = escaped(route);
			for (std::size_t i = 0; i < kBuckets.size(); i++)
				out << "callboard_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"" << kBuckets[i]
					<< "\"} " << l.buckets[i] << '\n';
			out << "callboard_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} " << l.count << '\n';
			out << "callboard_http_request_duration_seconds_sum{route=\"" << r << "\"} " << l.sum << '\n';
			out << "callboard_http_request_duration_seconds_count{route=\"" << r << "\"} " << l.count << '\n';
		}

		family(out, "callboard_http_response_bytes_total", "counter", "Body bytes sent, by route.");
		for (const auto &[route, n] : bytes_)
			out << "callboard_http_response_bytes_total{route=\"" << escaped(route) << "\"} " << n << '\n';

		family(out, "callboard_http_responses_incomplete_total", "counter",
			   "Responses cut short after they began (an error mid-stream, a client gone or too slow).");
	out << "callboard_http_responses_incomplete_total " << incomplete_ << '\n';
}

/* The connections: the clients', and each database pool's. */
void
Metrics::render_pools(std::ostream &out, const MetricsSources &s)
{
	family(out, "callboard_http_connections_open", "gauge", "Client connections open.");
	out << "callboard_http_connections_open " << s.open_connections << '\n';

	family(out, "callboard_db_pool_connections", "gauge", "Database connections, by database and state.");
	for (const auto &[db, p] : s.pools)
	{
		out << "callboard_db_pool_connections{database=\"" << escaped(db) << "\",state=\"in_use\"} " << p.in_use << '\n';
		out << "callboard_db_pool_connections{database=\"" << escaped(db) << "\",state=\"idle\"} " << p.idle << '\n';
	}
	family(out, "callboard_db_pool_waiting", "gauge", "Requests waiting for a database connection.");
	for (const auto &[db, p] : s.pools)
		out << "callboard_db_pool_waiting{database=\"" << escaped(db) << "\"} " << p.waiting << '\n';
	family(out, "callboard_db_up", "gauge",
		   "1 while the database answers; 0 while the pool backs off after failing to reach it.");
	for (const auto &[db, p] : s.pools)
		out << "callboard_db_up{database=\"" << escaped(db) << "\"} " << (p.down ? 0 : 1) << '\n';
}

/* The families of one unlabelled sample. */
void
Metrics::render_samples(std::ostream &out, const MetricsSources &s)
{
	struct One
	{
		const char *name;
		const char *type;
		const char *help;
		std::uint64_t value;
	};
	const One ones[] = {
		{"callboard_change_signal_listening", "gauge",
		 "1 while the change signal is on and its notifications arrive; 0 while documents poll.", s.feed_pushing},
		{"callboard_changes_total", "counter", "Changes the gateway was told of (notifications and reconnects).",
		 s.feed_sequence},
		{"callboard_live_subscribers", "gauge", "Event streams open.", s.cohorts.watchers},
		{"callboard_cohorts", "gauge", "Audiences with a document in memory or being built.", s.cohorts.cohorts},
		{"callboard_cohorts_watched", "gauge", "Audiences with at least one event stream.", s.cohorts.watched},
		{"callboard_cohort_cache_bytes", "gauge", "Bytes of documents kept in memory (an estimate).", s.cohorts.bytes},
		{"callboard_cohort_builds_total", "counter", "Documents read from the database for an audience.",
		 s.cohorts.builds},
		{"callboard_cohort_refreshes_total", "counter", "Refreshes of watched audiences after a change or a poll.",
		 s.cohorts.refreshes},
		{"callboard_cohort_cache_hits_total", "counter", "Documents answered from memory.", s.cohorts.hits},
		{"callboard_cohort_forgets_total", "counter",
		 "Times every kept document was dropped because privileges or policies changed.", s.cohorts.forgets},
		{"callboard_cohort_builds_running", "gauge", "Documents being read from the database now.",
		 s.cohorts.builds_running},
		{"callboard_cohort_build_waiters", "gauge", "Requests waiting for another request's build of their document.",
		 s.cohorts.build_waiters},
		{"callboard_cohort_builds_cancellable", "gauge", "Builds' queries registered for cancelling at shutdown.",
		 s.cohorts.cancellable},
		{"callboard_log_lines_dropped_total", "counter",
		 "Log lines dropped because stdout took less than the gateway wrote.", s.log_lines_dropped},
	};
	for (const One &one : ones)
	{
		family(out, one.name, one.type, one.help);
		out << one.name << ' ' << one.value << '\n';
	}
}

}								/* namespace gateway */
