/*
 * role_settings.cpp
 *		Reading pg_db_role_setting.
 */
#include "db/role_settings.hpp"

namespace gateway {

/*
 * What ALTER DATABASE ... SET and ALTER ROLE ... SET gave, in the order a
 * login applies them (later wins): the database's, the role's everywhere,
 * the role's in this database.  The database's (rolname "") come first, so
 * callboard-statement-timeout only fills in where the DBA set nothing.
 * search_path and role are the request's own.
 */
const char *const RoleSettings::kQuery =
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

void
RoleSettings::replace(const PGresult *res)
{
	std::map<std::string, std::vector<Setting>> loaded;
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
