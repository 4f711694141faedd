/*
 * db_request.hpp
 *		One request's work in the database, as PostgREST does it.
 *
 * Two statements in one libpq pipeline, ended by a single Sync, which
 * PostgreSQL runs as one transaction:
 *
 *   1. SELECT set_config(...) for search_path, role, request.jwt.claims,
 *      request.method, request.path, request.headers (all transaction-local)
 *      and transaction_read_only;
 *   2. the statement itself, with its parameters.
 *
 * One round trip; the values are always parameters, never SQL text; and since
 * every setting is local to the transaction, nothing is left on the
 * connection afterwards, which is what pgbouncer's transaction pooling needs.
 */
#ifndef CALLBOARD_GATEWAY_DB_REQUEST_HPP
#define CALLBOARD_GATEWAY_DB_REQUEST_HPP

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api_error.hpp"

namespace gateway {

struct RequestSettings
{
	std::string search_path;
	std::string role;
	std::string claims;			/* JSON */
	std::string method;
	std::string path;
	std::string headers;		/* JSON */
};

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

struct DbOutcome
{
	PgResult	result{nullptr, &PQclear};	/* the statement's rows, when it succeeded */
	std::optional<ApiError> error;
	bool		connection_lost = false;	/* no answer from the server at all */
};

/*
 * Runs `sql` with `params` (nullopt = NULL) after the settings.  `authed`
 * picks 403 or 401 for a privilege error.
 */
DbOutcome	run_request(PGconn *conn, const RequestSettings &settings, const std::string &sql,
						const std::vector<std::optional<std::string>> &params, bool authed);

}								/* namespace gateway */

#endif
