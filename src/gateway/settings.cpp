/*
 * settings.cpp
 *		Swapping the configuration in force.
 */
#include "settings.hpp"

#include "access_log.hpp"

namespace gateway {

Settings::Settings(Config config, std::string path)
	: current_(std::make_shared<const Config>(std::move(config))), path_(std::move(path))
{
}

std::string
restart_only_changes(const Config &a, const Config &b)
{
	std::string keys;
	auto		note = [&keys](bool differs, const char *key) {
		if (differs)
			keys += std::string(keys.empty() ? "" : ", ") + key;
	};
	note(a.db_uri != b.db_uri || a.db_uris != b.db_uris || a.callboard_listen_uri != b.callboard_listen_uri,
		 "db-uri/callboard-db-uris/callboard-listen-uri");
	note(a.db_schemas != b.db_schemas || a.db_extra_search_path != b.db_extra_search_path,
		 "db-schemas/db-extra-search-path");
	note(a.db_pool != b.db_pool || a.db_pool_acquisition_timeout != b.db_pool_acquisition_timeout, "db-pool");
	note(a.server_host != b.server_host || a.server_port != b.server_port, "server-host/server-port");
	note(a.admin_server_host != b.admin_server_host || a.admin_server_port != b.admin_server_port,
		 "admin-server-host/admin-server-port");
	note(a.callboard_server_threads != b.callboard_server_threads, "callboard-server-threads");
	note(a.callboard_request_timeout != b.callboard_request_timeout ||
		 a.callboard_keep_alive_timeout != b.callboard_keep_alive_timeout ||
		 a.callboard_max_uri_bytes != b.callboard_max_uri_bytes ||
		 a.callboard_max_header_bytes != b.callboard_max_header_bytes ||
		 a.callboard_max_headers != b.callboard_max_headers ||
		 a.callboard_max_body_bytes != b.callboard_max_body_bytes ||
		 a.callboard_min_send_rate != b.callboard_min_send_rate ||
		 a.callboard_max_connections != b.callboard_max_connections, "the HTTP limits");
	note(a.callboard_web != b.callboard_web || a.callboard_web_root != b.callboard_web_root, "callboard-web");
	note(a.callboard_login_attempts_per_minute != b.callboard_login_attempts_per_minute ||
		 a.callboard_login_concurrency != b.callboard_login_concurrency, "the login limits");
	note(a.callboard_shutdown_grace != b.callboard_shutdown_grace, "callboard-shutdown-grace");
	return keys;
}

bool
Settings::reload()
{
	Config		next;
	try
	{
		next = load_config(path_);
	}
	catch (const ConfigError &e)
	{
		refused_++;
		log_event(std::string("configuration not reloaded, the running one is kept: ") + e.what());
		return false;
	}
	std::shared_ptr<const Config> previous = current();
	std::string pending = restart_only_changes(*previous, next);
	auto		fresh = std::make_shared<const Config>(std::move(next));
	std::atomic_store(&current_, fresh);
	reloads_++;
	log_event(pending.empty() ? "configuration reloaded"
			  : "configuration reloaded; " + pending + " take effect after a restart");
	if (on_reload)
		on_reload(*fresh);
	return true;
}

}								/* namespace gateway */
