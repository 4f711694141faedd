/*
 * db_request.hpp
 *		One request's work in the database, as PostgREST does it.
 *
 * Two statements in one libpq pipeline, ended by a single Sync, which
 * PostgreSQL runs as one transaction:
 *
 *   1. SELECT set_config(...) for search_path, role, request.jwt.claims,
 *      request.method, request.path, request.headers (all transaction-local)
 *      and transaction_read_only; then the statement timeout and the
 *      settings ALTER ROLE gave the role (which SET ROLE does not apply);
 *   2. the statement itself, with its parameters.
 *
 * One round trip; the values are always parameters, never SQL text; and since
 * every setting is local to the transaction, nothing is left on the
 * connection afterwards, which is what pgbouncer's transaction pooling needs.
 *
 * A statement's rows can be taken as they arrive (libpq's single-row mode)
 * by a RowSink: a document streamed by scheduled_outbound_calls_chunks()
 * then goes to the client chunk by chunk, and a sink that cannot keep up
 * holds the next row back, which holds the server back.  When the sink
 * gives up, or the link is interrupted (the client hung up), the query is
 * cancelled and its results drained, so the connection goes back to the
 * pool idle, with no transaction open and nothing running.
 */
#ifndef CALLBOARD_GATEWAY_DB_REQUEST_HPP
#define CALLBOARD_GATEWAY_DB_REQUEST_HPP

#include <libpq-fe.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/api_error.hpp"
#include "core/asio.hpp"
#include "core/off_loop.hpp"
#include "db/role_settings.hpp"

namespace gateway {

class Lease;					/* db_pool.hpp */

struct RequestSettings
{
	std::string search_path;
	std::string role;
	std::string claims;			/* JSON */
	std::string method;
	std::string path;
	std::string headers;		/* JSON */
	/* After the role: callboard-statement-timeout, then the role's own settings (role_settings.hpp). */
	std::vector<Setting> more = {};
};

/* A PostgreSQL text[] literal of `items`: {"a","b \"c\""}. */
std::string text_array(const std::vector<std::string> &items);

using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

inline PgResult
adopt(PGresult *res)
{
	return PgResult(res, &PQclear);
}

/* Takes a statement's rows one at a time. */
class RowSink
{
public:
	virtual		~RowSink() = default;

	/*
	 * One row (PGRES_SINGLE_TUPLE); the sink may keep it (move it out).
	 * false: stop; the query is cancelled.  (By reference: GCC 12 mis-copies
	 * some by-value parameters of coroutines.)
	 */
	virtual awaitable<bool> row(PgResult &row) = 0;

	/*
	 * While the query runs, `interrupt` stops it (on the query's loop): a
	 * sink that sends rows to a client arms it as the client's hang-up.
	 * Called with nullptr when the query is over.
	 */
	virtual void attach(std::function<void()> interrupt) { (void) interrupt; }
};

struct DbOutcome
{
	PgResult	result{nullptr, &PQclear};	/* without a sink: the statement's rows */
	std::optional<ApiError> error;
	bool		connection_lost = false;	/* no answer from the server at all */
	bool		rows_taken = false;	/* a sink took a row before the outcome */
	bool		stopped = false;	/* the sink or an interruption stopped the query */
};

/*
 * Runs `sql` with `params` (nullopt = NULL) after the settings, on the
 * leased connection.  `authed` picks 403 or 401 for a privilege error.
 * With `sink`, rows go to it as they arrive.  `blocking` runs the cancel
 * request, which blocks.
 */
awaitable<DbOutcome> run_request(Lease &lease, const RequestSettings &settings, const std::string &sql,
								 const std::vector<std::optional<std::string>> &params, bool authed,
								 RowSink *sink, BlockingPool blocking);

}								/* namespace gateway */

#endif
