/*
 * database.cpp
 *		Acquire, run, retry once.
 */
#include "database.hpp"

#include "sql_names.hpp"

namespace gateway {

Database::Database(const Settings &settings, net::thread_pool::executor_type blocking)
	: blocking_(blocking),
	  pools_(settings.current()->db_uris, settings.current()->db_uri, settings.current()->db_pool,
			 std::chrono::seconds(settings.current()->db_pool_acquisition_timeout)),
	  settings_(settings),
	  search_path_(search_path_for(*settings.current()))
{
}

awaitable<void>
Database::load_role_settings()
{
	co_await roles_.load(*this, search_path_);
}

awaitable<DbOutcome>
Database::run(const RequestSettings &settings, const std::string &sql, const Params &params,
			  bool authed, RowSink *sink, Responder *out, bool primary)
{
	for (int attempt = 0;; attempt++)
	{
		bool		fresh = attempt > 0;
		auto		acquired = co_await pools_.acquire(fresh, primary);
		if (auto *error = std::get_if<ApiError>(&acquired))
		{
			DbOutcome	outcome;
			outcome.error = *error;
			co_return outcome;
		}
		Lease		lease = std::get<Lease>(std::move(acquired));
		RequestSettings with_role = settings;
		std::vector<Setting> base = {{"statement_timeout", settings_.current()->callboard_statement_timeout}};
		with_role.more = roles_.for_role(settings.role, base);
		auto		interrupt = [&lease] { lease.link().interrupt(); };
		if (out != nullptr)
			out->arm_hangup(interrupt);
		if (sink != nullptr)
			sink->attach(interrupt);
		DbOutcome	outcome = co_await run_request(lease, with_role, sql, params, authed, sink, blocking_);
		if (sink != nullptr)
			sink->attach(nullptr);
		if (out != nullptr)
			out->disarm_hangup();
		if (!outcome.connection_lost || outcome.rows_taken)
			co_return outcome;

		/*
		 * A pooled connection can die with its server (a restart): the
		 * request only reads and nothing was taken, so it is safe to try once
		 * more, on a new connection.
		 */
		std::string message = pg_message(lease.conn());
		lease.discard();
		if (attempt == 0)
			continue;
		outcome.error = client_error(message, pools_.retry_after());
		co_return outcome;
	}
}

}								/* namespace gateway */
