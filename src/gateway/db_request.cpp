/*
 * db_request.cpp
 *		The pipeline, and turning its results into a body or an error.
 */
#include "db_request.hpp"

namespace gateway {

namespace {

const char *const kSettingsSql =
	"SELECT set_config('search_path', $1, true), set_config('role', $2, true),"
	" set_config('request.jwt.claims', $3, true), set_config('request.method', $4, true),"
	" set_config('request.path', $5, true), set_config('request.headers', $6, true),"
	" set_config('transaction_read_only', 'on', true)";

std::optional<std::string> field(const PGresult *res, int code)
{
	const char *value = PQresultErrorField(res, code);
	return value ? std::optional<std::string>(value) : std::nullopt;
}

/* Reads the results of one pipelined statement: its result, then NULL. */
PgResult next_result(PGconn *conn)
{
	PgResult res(PQgetResult(conn), &PQclear);
	if (res)
	{
		/* Drain to the NULL that ends this statement's results. */
		while (PGresult *extra = PQgetResult(conn))
			PQclear(extra);
	}
	return res;
}

}								/* namespace */

DbOutcome
run_request(PGconn *conn, const RequestSettings &settings, const std::string &sql,
			const std::vector<std::optional<std::string>> &params, bool authed)
{
	DbOutcome	outcome;
	const char *setting_values[] = {
		settings.search_path.c_str(), settings.role.c_str(), settings.claims.c_str(),
		settings.method.c_str(), settings.path.c_str(), settings.headers.c_str(),
	};
	std::vector<const char *> values;
	for (const auto &p : params)
		values.push_back(p ? p->c_str() : nullptr);

	if (PQenterPipelineMode(conn) != 1 ||
		PQsendQueryParams(conn, kSettingsSql, 6, nullptr, setting_values, nullptr, nullptr, 0) != 1 ||
		PQsendQueryParams(conn, sql.c_str(), static_cast<int>(values.size()), nullptr,
						  values.data(), nullptr, nullptr, 0) != 1 ||
		PQpipelineSync(conn) != 1)
	{
		outcome.connection_lost = true;
		return outcome;
	}

	PgResult	settings_result = next_result(conn);
	PgResult	statement_result = next_result(conn);
	PgResult	sync(PQgetResult(conn), &PQclear);

	if (!sync || PQresultStatus(sync.get()) != PGRES_PIPELINE_SYNC || PQexitPipelineMode(conn) != 1)
	{
		outcome.connection_lost = true;
		return outcome;
	}

	/* The first failure is the one to report; later statements were skipped. */
	for (const PgResult *res : {&settings_result, &statement_result})
	{
		if (!*res)
		{
			outcome.connection_lost = true;
			return outcome;
		}
		ExecStatusType status = PQresultStatus(res->get());
		if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK)
			continue;
		auto sqlstate = field(res->get(), PG_DIAG_SQLSTATE);
		if (!sqlstate)
		{
			outcome.connection_lost = true;
			return outcome;
		}
		outcome.error = postgres_error(*sqlstate, field(res->get(), PG_DIAG_MESSAGE_PRIMARY).value_or(""),
									   field(res->get(), PG_DIAG_MESSAGE_DETAIL),
									   field(res->get(), PG_DIAG_MESSAGE_HINT), authed);
		return outcome;
	}
	outcome.result = std::move(statement_result);
	return outcome;
}

}								/* namespace gateway */
