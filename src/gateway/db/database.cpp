/*
 * database.cpp
 *		Acquire, run, retry once.
 */
#include "db/database.hpp"

#include "core/access_log.hpp"
#include "core/fault_injection.hpp"
#include "db/sql_names.hpp"

namespace gateway {

Database::Database(const ReloadableConfig &reloadable, BlockingPool blocking)
	: blocking_(blocking),
	  pools_(reloadable.current()->db_uris, reloadable.current()->db_uri, reloadable.current()->db_pool,
			 std::chrono::seconds(reloadable.current()->db_pool_acquisition_timeout), blocking),
	  config_(reloadable),
	  search_path_(search_path_for(*reloadable.current()))
{
}

awaitable<void>
Database::load_role_settings()
{
	/* (Run through run(), which applies role settings: "none" has none to apply.) */
	RequestSettings settings{search_path_, "none", "{}", "GET", "/", "{}"};
	Params		none;
	DbOutcome	outcome = co_await run(settings, RoleSettings::kQuery, none, false, nullptr, nullptr);
	if (!outcome.result)
	{
		log_event("role settings: not read: " + (outcome.error ? outcome.error->message : std::string("connection lost")));
		co_return;
	}
	roles_.replace(outcome.result.get());
}

namespace {

/*
 * While a query runs, what can stop it: the client's hang-up, the sink's
 * interrupt.  Detached when this goes, however the query ends (an exception
 * included): neither may call the interrupt, which reaches into the lease,
 * once the lease is gone.
 */
class Attachment
{
public:
	Attachment(Responder *out, RowSink *sink, const std::function<void()> &interrupt) : out_(out), sink_(sink)
	{
		if (out_ != nullptr)
			out_->arm_hangup(interrupt);
		if (sink_ != nullptr)
			sink_->attach(interrupt);
	}
	Attachment(const Attachment &) = delete;
	Attachment &operator=(const Attachment &) = delete;

	~Attachment()
	{
		if (sink_ != nullptr)
			sink_->attach(nullptr);
		if (out_ != nullptr)
			out_->disarm_hangup();
	}

private:
	Responder  *out_;
	RowSink    *sink_;
};

}								/* namespace */

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
		fault_point("db.acquired");
		RequestSettings with_role = settings;
		std::vector<Setting> base = {{"statement_timeout", config_.current()->callboard_statement_timeout}};
		with_role.more = roles_.for_role(settings.role, base);
		std::function<void()> interrupt = [&lease] { lease.link().interrupt(); };
		std::string message;
		{
			/* Declared after the lease: detached before it is returned. */
			Attachment	attached(out, sink, interrupt);
			fault_point("db.attached");
			DbOutcome	outcome = co_await run_request(lease, with_role, sql, params, authed, sink, blocking_);
			if (!outcome.connection_lost || outcome.rows_taken)
				co_return outcome;
			message = pg_message(lease.conn());
			if (attempt > 0)
			{
				outcome.error = client_error(message, pools_.retry_after());
				lease.discard();
				co_return outcome;
			}
		}

		/*
		 * A pooled connection can die with its server (a restart): the
		 * request only reads and nothing was taken, so it is safe to try once
		 * more, on a new connection.
		 */
		lease.discard();
	}
}

}								/* namespace gateway */
