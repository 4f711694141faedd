/*
 * database.hpp
 *		Running one request's transaction: a pooled connection, the pipeline,
 *		one retry when the connection turns out dead.
 *
 * Shared by the route handlers and by the cohorts that build documents for
 * many clients at once.  Every transaction gets callboard-statement-timeout
 * and the settings of the role it switches to (role_settings.hpp).
 */
#ifndef CALLBOARD_GATEWAY_DATABASE_HPP
#define CALLBOARD_GATEWAY_DATABASE_HPP

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/reloadable_config.hpp"
#include "core/asio.hpp"
#include "db/db_pool.hpp"
#include "db/db_request.hpp"
#include "db/role_settings.hpp"
#include "http/responder.hpp"

namespace gateway {

using Params = std::vector<std::optional<std::string>>;

class Database
{
public:
	/* `blocking` runs cancel requests and libpq's connection steps, which block. */
	Database(const ReloadableConfig &reloadable, BlockingPool blocking);

	/*
	 * Runs the transaction, retrying once, on a new connection, when a
	 * pooled one turns out broken before anything was taken from it.  With
	 * `sink`, rows go to it as they arrive (and it may stop the query, see
	 * RowSink::attach).  With `out`, a client that hangs up while the query
	 * runs cancels it.  `primary`: on db-uri's database,
	 * not spread over replicas (for what must show the latest commit).
	 */
	awaitable<DbOutcome> run(const RequestSettings &settings, const std::string &sql, const Params &params,
							 bool authed, RowSink *sink, Responder *out, bool primary = false);

	/* (Re)reads the roles' settings; at start, on reload, every minute. */
	awaitable<void> load_role_settings();

	std::vector<std::pair<std::string, PoolStats>> stats() const { return pools_.stats(); }
	int			retry_after() const { return pools_.retry_after(); }

	/* At shutdown, once no request runs. */
	void		close_idle() { pools_.close_idle(); }

private:
	BlockingPool blocking_;
	DbPools		pools_;
	const ReloadableConfig &config_;
	RoleSettings roles_;
	const std::string search_path_;
};

}								/* namespace gateway */

#endif
