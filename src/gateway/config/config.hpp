/*
 * config.hpp
 *		callboard-gateway's settings, read the way PostgREST reads its own.
 *
 * A postgrest.conf-style file (key = value, # comments, "quoted" strings,
 * $(VAR) environment references), then PGRST_* environment variables, which
 * override the file.  PostgREST's key names mean what they mean there; the
 * few settings PostgREST has no word for are prefixed "callboard-".
 */
#ifndef CALLBOARD_GATEWAY_CONFIG_HPP
#define CALLBOARD_GATEWAY_CONFIG_HPP

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace gateway {

struct Config
{
	std::string db_uri = "postgresql://";
	/*
	 * callboard-db-uris: databases to spread the reads over (a primary and
	 * its replicas), whitespace-separated.  Unset: db-uri alone.
	 */
	std::vector<std::string> db_uris;
	/* Where the change signal is listened for: db-uri unless set (a direct address behind pgbouncer). */
	std::optional<std::string> callboard_listen_uri;
	std::vector<std::string> db_schemas = {"public"};
	std::string db_extra_search_path = "public";
	std::optional<std::string> db_anon_role;
	int			db_pool = 10;
	int			db_pool_acquisition_timeout = 10;	/* seconds */
	std::string jwt_secret;		/* decoded bytes */
	std::optional<std::string> jwt_aud;
	std::string server_host = "!4";
	int			server_port = 3000;
	/* Unset: any origin may call (PostgREST's default). */
	std::optional<std::vector<std::string>> server_cors_allowed_origins;
	std::string log_level = "error";
	/* PostgREST's admin server: /live, /ready, /metrics, /config.  Unset: none. */
	std::optional<int> admin_server_port;
	std::string admin_server_host = "127.0.0.1";	/* loopback unless told otherwise */

	/* Role for valid tokens that carry no role claim: Django/SimpleJWT's. */
	std::optional<std::string> callboard_token_role;
	/* Role under which /api/accounts/login/ reads auth_user. */
	std::optional<std::string> callboard_login_role;
	int			callboard_access_token_lifetime = 300;		/* SimpleJWT's 5 minutes */
	int			callboard_refresh_token_lifetime = 86400;	/* and 1 day */
	int			callboard_login_attempts_per_minute = 30;	/* per client address */
	int			callboard_login_concurrency = 8;		/* password checks waiting or running */
	int			callboard_server_threads = 0;			/* event loops; 0: one per core */

	/* Limits on what a client may send and how slowly it may read (http_session.hpp). */
	int			callboard_request_timeout = 10;			/* seconds for a whole request */
	int			callboard_keep_alive_timeout = 30;		/* seconds an idle connection stays */
	std::size_t callboard_max_uri_bytes = 8 * 1024;
	std::size_t callboard_max_header_bytes = 16 * 1024;
	std::size_t callboard_max_headers = 100;
	std::size_t callboard_max_body_bytes = 64 * 1024;
	std::size_t callboard_min_send_rate = 4096;			/* bytes a second a reader must take */
	int			callboard_max_connections = 10000;
	int			callboard_shutdown_grace = 20;			/* seconds in-flight work may take after SIGTERM */
	/* Each request's statement_timeout, as PostgreSQL writes it; a role's own setting overrides it. */
	std::string callboard_statement_timeout = "60s";

	/* Documents kept per audience, and pushed live (cohorts.hpp). */
	std::size_t callboard_cache_bytes = 32 * 1024 * 1024;	/* all cached documents */
	std::size_t callboard_cache_max_entry_bytes = 4 * 1024 * 1024;	/* larger ones stream, uncached */
	int			callboard_live_interval_ms = 75;		/* at most one refresh per audience this often */
	int			callboard_live_max_refreshes = 2;	/* refreshes of watched documents running at once */
	int			callboard_live_poll_interval = 5;		/* seconds, without the change signal */
	int			callboard_live_keepalive = 20;			/* seconds between comments on an idle event stream */
	/*
	 * Seconds a kept document is answered from memory at most, and a watched
	 * one goes without being read again; also how often the roles' settings
	 * are reread.  What no notification tells (ALTER ROLE, role membership)
	 * applies within it.
	 */
	int			callboard_cache_max_age = 60;
	/* The dashboard page at / (web_files.hpp): on by default, from the installed files. */
	bool		callboard_web = true;
	std::optional<std::string> callboard_web_root;	/* unset: where make install put them */

	/* Request headers that documents may depend on: passed in request.headers, and part of the audience. */
	std::vector<std::string> callboard_cohort_headers;

	/* Proxies whose X-Forwarded-For names the client (trusted_proxies.hpp); none by default. */
	std::vector<std::string> callboard_trusted_proxies;
};

struct ConfigError : std::runtime_error
{
	using std::runtime_error::runtime_error;
};

/* The values of a config file: key -> unquoted value.  Throws ConfigError. */
std::map<std::string, std::string> parse_config_text(const std::string &text,
													 const std::map<std::string, std::string> &env);

/*
 * Builds the Config from the file's values and the environment (PGRST_DB_URI
 * for db-uri, ...), which overrides them.  Throws ConfigError naming the key.
 */
Config		make_config(const std::map<std::string, std::string> &file_values,
						const std::map<std::string, std::string> &env);

/*
 * The effective configuration in the file's format, every key, secrets
 * masked (jwt-secret, passwords in connection strings): --dump-config and
 * the admin listener's /config.
 */
std::string dump_config(const Config &config);

/* Reads `path` (may be empty: environment only) and the process environment. */
Config		load_config(const std::string &path);

/*
 * The keys a reload applies (to the next request, stream or tick) and those
 * that need a restart: every key is one or the other.
 */
std::vector<std::string> reloadable_keys();
std::vector<std::string> restart_keys();

/* The restart keys whose values differ between a and b, comma-separated ("" if none). */
std::string restart_only_changes(const Config &a, const Config &b);

}								/* namespace gateway */

#endif
