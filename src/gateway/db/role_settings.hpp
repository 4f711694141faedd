/*
 * role_settings.hpp
 *		The settings ALTER ROLE ... SET gave the roles tokens run as.
 *
 * A request switches role with set_config('role', ...), which does not
 * apply the role's settings as a login would: a per-role
 * statement_timeout or callboard.max_output_bytes would be ignored.  So, as
 * PostgREST does, the gateway reads them from pg_db_role_setting and
 * applies them in each request's transaction in a login's order: after
 * callboard-statement-timeout, the database's (ALTER DATABASE ... SET),
 * then the role's, then the role's in this database; later ones win.  Only settings a role may set for itself are applied: those of
 * context "user", and custom ones (callboard.*).
 *
 * Read at start, and again on a config reload, a NOTIFY pgrst 'reload
 * schema', and every minute, so ALTER ROLE takes effect without a restart.
 */
#ifndef CALLBOARD_GATEWAY_ROLE_SETTINGS_HPP
#define CALLBOARD_GATEWAY_ROLE_SETTINGS_HPP

#include <libpq-fe.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace gateway {

/* A setting applied for one transaction, as set_config(name, value, true). */
using Setting = std::pair<std::string, std::string>;

/*
 * Database holds one and fills it: load_role_settings() runs kQuery and
 * hands the rows to replace(); on failure what was kept stays (and is logged).
 */
class RoleSettings
{
public:
	/* Rows of (role, "" for the database's own; name; value), in the order a login applies them. */
	static const char *const kQuery;

	/* What kQuery returned, in place of what was kept. */
	void		replace(const PGresult *rows);

	/* `base` (the statement timeout), then the database's settings, then the role's. */
	std::vector<Setting> for_role(const std::string &role, const std::vector<Setting> &base) const;

private:
	mutable std::mutex mutex_;
	std::map<std::string, std::vector<Setting>> settings_;
};

}								/* namespace gateway */

#endif
