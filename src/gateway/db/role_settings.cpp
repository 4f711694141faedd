/*
 * role_settings.cpp
 *		Reading pg_db_role_setting.
 */
#include "db/role_settings.hpp"

#include "core/access_log.hpp"
#include "db/database.hpp"

namespace gateway {

namespace {

/*
 * What ALTER DATABASE ... SET and ALTER ROLE ... SET gave, in the order a
 * login applies them (later wins): the database's, the role's everywhere,
 * the role's in this database.  The database's (rolname "") come first, so
 * callboard-statement-timeout only fills in where the DBA set nothing.
 * search_path and role are the request's own.
 */
const char *const kRoleSettingsSql =
	"SELECT coalesce(r.rolname, ''), split_part(c, '=', 1), substr(c, strpos(c, '=') + 1)"
	" FROM pg_catalog.pg_db_role_setting s"
	" LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.setrole,"
	" LATERAL unnest(s.setconfig) AS c"
	" WHERE s.setdatabase IN (0, (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()))"
	" AND (s.setrole <> 0 OR s.setdatabase <> 0)"
	" AND split_part(c, '=', 1) NOT IN ('search_path', 'role', 'session_authorization')"
	" AND (strpos(split_part(c, '=', 1), '.') > 0 OR EXISTS (SELECT 1 FROM pg_catalog.pg_settings p"
	"      WHERE p.name = split_part(c, '=', 1) AND p.context = 'user'))"
	" ORDER BY s.setrole <> 0, s.setdatabase = 0 DESC";

}								/* namespace */

awaitable<void>
RoleSettings::load(Database &db, const std::string &search_path)
{
	/* (Run through Database::run, which applies role settings: "none" has none to apply.) */
	RequestSettings settings{search_path, "none", "{}", "GET", "/", "{}"};
	Params		none;
	DbOutcome	outcome = co_await db.run(settings, kRoleSettingsSql, none, false, nullptr, nullptr);
	if (!outcome.result)
	{
		log_event("role settings: not read: " + (outcome.error ? outcome.error->message : std::string("connection lost")));
		co_return;
	}
	std::map<std::string, std::vector<Setting>> loaded;
	const PGresult *res = outcome.result.get();
	for (int row = 0; row < PQntuples(res); row++)
		loaded[PQgetvalue(res, row, 0)].emplace_back(PQgetvalue(res, row, 1), PQgetvalue(res, row, 2));
	std::lock_guard<std::mutex> lock(mutex_);
	settings_.swap(loaded);
}

std::vector<Setting>
RoleSettings::for_role(const std::string &role, const std::vector<Setting> &base) const
{
	std::vector<Setting> all = base;
	std::lock_guard<std::mutex> lock(mutex_);
	for (const std::string &key : {std::string(), role})
	{
		auto		it = settings_.find(key);
		if (it != settings_.end())
			all.insert(all.end(), it->second.begin(), it->second.end());
	}
	return all;
}

}								/* namespace gateway */
