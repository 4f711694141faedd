/*
 * db_request.cpp
 *		The pipeline, its results as a body or an error, and cancelling it.
 */
#include "db/db_request.hpp"

#include "db/db_pool.hpp"

namespace gateway {

namespace {

/* The list is applied in order, after the role (later entries win). */
const char *const kSettingsSql =
	"SELECT set_config('search_path', $1, true), set_config('role', $2, true),"
	" set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true),"
	" set_config('request.path', $5, true), set_config('request.headers', $6, true),"
	" set_config('transaction_read_only', 'on', true),"
	" (SELECT count(set_config(s.name, s.value, true))"
	"  FROM unnest($7::text[], $8::text[]) AS s(name, value))";

/* How long a cancelled query may take to end before its connection is closed instead. */
constexpr std::chrono::seconds kDrainTimeout{5};

std::optional<std::string> field(const PGresult *res, int code)
{
	const char *value = PQresultErrorField(res, code);
	return value ? std::optional<std::string>(value) : std::nullopt;
}

/* The next result of the pipeline, waiting for it on the loop; null at a statement's end. */
awaitable<std::pair<LinkState, PgResult>> next_result(PgLink &link)
{
	LinkState	state = co_await link.until_result();
	if (state != LinkState::ready)
		co_return std::make_pair(state, adopt(nullptr));
	co_return std::make_pair(LinkState::ready, adopt(PQgetResult(link.conn())));
}

/*
 * Reads and drops results up to the pipeline's Sync, then leaves pipeline
 * mode.  False when that cannot be done in time (the connection is then
 * not reusable).
 */
awaitable<bool> finish_pipeline(PgLink &link)
{
	link.set_deadline(kDrainTimeout);
	for (;;)
	{
		auto		[state, res] = co_await next_result(link);
		if (state != LinkState::ready)
			break;
		if (res && PQresultStatus(res.get()) == PGRES_PIPELINE_SYNC)
		{
			link.clear_deadline();
			co_return PQexitPipelineMode(link.conn()) == 1;
		}
	}
	link.clear_deadline();
	co_return false;
}

/* A statement's failure as the API error PostgREST would give; nullopt if it succeeded. */
std::optional<ApiError> statement_error(const PGresult *res, bool authed, bool &connection_lost)
{
	ExecStatusType status = PQresultStatus(res);
	if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK || status == PGRES_SINGLE_TUPLE)
		return std::nullopt;
	auto		sqlstate = field(res, PG_DIAG_SQLSTATE);
	if (!sqlstate)
	{
		connection_lost = true;
		return std::nullopt;
	}
	return postgres_error(*sqlstate, field(res, PG_DIAG_MESSAGE_PRIMARY).value_or(""),
						  field(res, PG_DIAG_MESSAGE_DETAIL), field(res, PG_DIAG_MESSAGE_HINT), authed);
}

}								/* namespace */

std::string
text_array(const std::vector<std::string> &items)
{
	std::string out = "{";
	for (std::size_t i = 0; i < items.size(); i++)
	{
		out += i ? ",\"" : "\"";
		for (char c : items[i])
		{
			if (c == '"' || c == '\\')
				out += '\\';
			out += c;
		}
		out += '"';
	}
	return out + "}";
}

namespace {

/*
 * The settings and the statement in one pipeline, and its Sync: one round
 * trip.  libpq copies what it sends, so the arrays may go when this returns.
 */
bool
send_pipeline(PGconn *conn, const RequestSettings &settings, const std::string &sql,
			  const std::vector<std::optional<std::string>> &params)
{
	std::vector<std::string> names, values_more;
	for (const auto &[name, value] : settings.more)
	{
		names.push_back(name);
		values_more.push_back(value);
	}
	std::string name_array = text_array(names), value_array = text_array(values_more);
	const char *setting_values[] = {
		settings.search_path.c_str(), settings.role.c_str(), settings.claims.c_str(),
		settings.method.c_str(), settings.path.c_str(), settings.headers.c_str(),
		name_array.c_str(), value_array.c_str(),
	};
	std::vector<const char *> values;
	for (const auto &p : params)
		values.push_back(p ? p->c_str() : nullptr);

	return PQenterPipelineMode(conn) == 1 &&
		PQsendQueryParams(conn, kSettingsSql, 8, nullptr, setting_values, nullptr, nullptr, 0) == 1 &&
		PQsendQueryParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
						  values.data(), nullptr, nullptr, 0) == 1 &&
		PQpipelineSync(conn) == 1;
}

/* The settings' statement: one result, then the null that ends it. */
awaitable<LinkState>
read_settings(PgLink &link, PgResult &result)
{
	for (;;)
	{
		auto		[state, res] = co_await next_result(link);
		if (state != LinkState::ready || !res)
			co_return state;
		if (!result)
			result = std::move(res);
	}
}

/*
 * The statement: its rows to the sink as they come (interrupted when the
 * sink says stop), or its one result.
 */
awaitable<LinkState>
read_statement(PgLink &link, RowSink *sink, PgResult &result, DbOutcome &outcome)
{
	if (sink != nullptr)
		PQsetSingleRowMode(link.conn());
	for (;;)
	{
		auto		[state, res] = co_await next_result(link);
		if (state != LinkState::ready || !res)
			co_return state;
		if (sink != nullptr && PQresultStatus(res.get()) == PGRES_SINGLE_TUPLE)
		{
			outcome.rows_taken = true;
			if (!co_await sink->row(res))
			{
				link.interrupt();
				co_return LinkState::interrupted;
			}
		}
		else if (!result)
			result = std::move(res);
	}
}

}								/* namespace */

awaitable<DbOutcome>
run_request(Lease &lease, const RequestSettings &settings, const std::string &sql,
			const std::vector<std::optional<std::string>> &params, bool authed,
			RowSink *sink, BlockingPool blocking)
{
	DbOutcome	outcome;
	PgLink	   &link = lease.link();
	PGconn	   *conn = lease.conn();

	bool		sent = send_pipeline(conn, settings, sql, params);
	if (sent)
		sent = co_await link.flush() == LinkState::ready;
	if (!sent)
	{
		lease.discard();
		outcome.connection_lost = !link.interrupted();
		outcome.stopped = link.interrupted();
		co_return outcome;
	}

	PgResult	settings_result = adopt(nullptr);
	PgResult	statement_result = adopt(nullptr);
	LinkState	state = co_await read_settings(link, settings_result);
	if (state == LinkState::ready)
		state = co_await read_statement(link, sink, statement_result, outcome);

	if (state == LinkState::interrupted)
	{
		/* Cancel whatever still runs, and drain, so the connection is reusable. */
		outcome.stopped = true;
		co_await pg_cancel(conn, blocking);
		link.resume();
		if (!co_await finish_pipeline(link))
			lease.discard();
		co_return outcome;
	}
	if (state == LinkState::broken || !settings_result || !statement_result)
	{
		lease.discard();
		outcome.connection_lost = true;
		co_return outcome;
	}
	if (!co_await finish_pipeline(link))
	{
		lease.discard();
		outcome.connection_lost = true;
		co_return outcome;
	}

	/* The first failure is the one to report; the statement after it was skipped. */
	for (const PgResult *res : {&settings_result, &statement_result})
	{
		outcome.error = statement_error(res->get(), authed, outcome.connection_lost);
		if (outcome.error || outcome.connection_lost)
			co_return outcome;
	}
	outcome.result = std::move(statement_result);
	co_return outcome;
}

}								/* namespace gateway */
