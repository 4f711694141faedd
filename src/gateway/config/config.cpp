/*
 * config.cpp
 *		The postgrest.conf format, PGRST_* variables, and checked values.
 */
#include "config/config.hpp"

#include "core/address_range.hpp"
#include "core/base64.hpp"

#include <cctype>
#include <fstream>
#include <functional>
#include <sstream>

extern char **environ;

namespace gateway {

namespace {

std::string trim(const std::string &s)
{
	std::size_t b = s.find_first_not_of(" \t\r");
	std::size_t e = s.find_last_not_of(" \t\r");
	return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

/* Replaces $(NAME) with the environment variable NAME, as PostgREST does. */
std::string interpolate(const std::string &value, const std::map<std::string, std::string> &env)
{
	std::string out;
	for (std::size_t i = 0; i < value.size(); i++)
	{
		if (value.compare(i, 2, "$(") == 0)
		{
			std::size_t close = value.find(')', i + 2);
			if (close != std::string::npos)
			{
				auto it = env.find(value.substr(i + 2, close - i - 2));
				out += it == env.end() ? "" : it->second;
				i = close;
				continue;
			}
		}
		out += value[i];
	}
	return out;
}

std::string unquote(const std::string &raw, int line)
{
	if (raw.empty() || raw[0] != '"')
		return raw;
	std::string out;
	for (std::size_t i = 1; i < raw.size(); i++)
	{
		if (raw[i] == '\\' && i + 1 < raw.size())
			out += raw[++i];
		else if (raw[i] == '"')
		{
			if (!trim(raw.substr(i + 1)).empty() && trim(raw.substr(i + 1))[0] != '#')
				throw ConfigError("line " + std::to_string(line) + ": text after the closing quote");
			return out;
		}
		else
			out += raw[i];
	}
	throw ConfigError("line " + std::to_string(line) + ": unterminated string");
}

/* "db-uri" -> "PGRST_DB_URI" */
std::string env_name(const std::string &key)
{
	std::string name = "PGRST_";
	for (char c : key)
		name += (c == '-' || c == '.') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
	return name;
}

std::vector<std::string> split_list(const std::string &value)
{
	std::vector<std::string> items;
	std::stringstream ss(value);
	std::string item;
	while (std::getline(ss, item, ','))
		if (!trim(item).empty())
			items.push_back(trim(item));
	return items;
}

int to_int(const std::string &key, const std::string &value, int min, int max)
{
	std::size_t used = 0;
	long long n = 0;
	try
	{
		n = std::stoll(value, &used);
	}
	catch (const std::exception &)
	{
		used = 0;
	}
	if (used == 0 || used != value.size() || n < min || n > max)
		throw ConfigError(key + " must be an integer from " + std::to_string(min) + " to " +
						  std::to_string(max) + ", not \"" + value + "\"");
	return static_cast<int>(n);
}

bool to_bool(const std::string &key, const std::string &value)
{
	if (value == "true" || value == "on" || value == "1")
		return true;
	if (value == "false" || value == "off" || value == "0")
		return false;
	throw ConfigError(key + " must be true or false, not \"" + value + "\"");
}

}								/* namespace */

std::map<std::string, std::string>
parse_config_text(const std::string &text, const std::map<std::string, std::string> &env)
{
	std::map<std::string, std::string> values;
	std::stringstream lines(text);
	std::string line;
	int number = 0;

	while (std::getline(lines, line))
	{
		number++;
		std::string content = trim(line);
		if (content.empty() || content[0] == '#')
			continue;
		std::size_t eq = content.find('=');
		if (eq == std::string::npos)
			throw ConfigError("line " + std::to_string(number) + ": expected key = value");
		std::string key = trim(content.substr(0, eq));
		std::string raw = trim(content.substr(eq + 1));
		if (!raw.empty() && raw[0] != '"')
		{
			std::size_t hash = raw.find('#');
			if (hash != std::string::npos)
				raw = trim(raw.substr(0, hash));
		}
		values[key] = interpolate(unquote(raw, number), env);
	}
	return values;
}

namespace {

/* One key of the configuration: its name and how its value sets the Config. */
/* A string as the file writes it: quoted, with \\ and \" escaped. */
std::string
quoted(const std::string &value)
{
	std::string out = "\"";
	for (char c : value)
	{
		if (c == '"' || c == '\\')
			out += '\\';
		out += c;
	}
	return out + "\"";
}

std::string
joined(const std::vector<std::string> &items, const char *separator)
{
	std::string out;
	for (std::size_t i = 0; i < items.size(); i++)
		out += (i ? separator : "") + items[i];
	return out;
}

/* A connection string without its password (URI or key=value form), to show. */
std::string
mask_password(const std::string &conninfo)
{
	std::string out = conninfo;
	std::size_t scheme = out.find("://");
	if (scheme != std::string::npos)
	{
		std::size_t at = out.find('@', scheme + 3);
		std::size_t colon = out.find(':', scheme + 3);
		if (at != std::string::npos && colon != std::string::npos && colon < at)
			out.replace(colon + 1, at - colon - 1, "***");
		return out;
	}
	for (std::size_t pos = out.find("password="); pos != std::string::npos; pos = out.find("password=", pos + 1))
	{
		std::size_t end = out.find(' ', pos);
		out.replace(pos + 9, (end == std::string::npos ? out.size() : end) - pos - 9, "***");
	}
	return out;
}

/*
 * One key of the configuration: its name, how its value sets the Config, how
 * it is shown; and whether a reload can apply it.  Every key is read where
 * it is used, from the configuration in force (ReloadableConfig::current()), unless
 * the process was built around it (its loops, sockets, pools, limits): those
 * are `restart` keys, which a reload names in the log instead of applying.
 */
struct ConfigKey
{
	const char *key;
	std::function<void(Config &, const std::string &)> set;
	std::function<std::string(const Config &)> show;
	bool		restart = false;
	/* When show() masks a secret: the value itself, to tell a change. */
	std::function<std::string(const Config &)> raw = nullptr;
};

ConfigKey restart(ConfigKey s, std::function<std::string(const Config &)> raw = nullptr)
{
	s.restart = true;
	s.raw = std::move(raw);
	return s;
}

ConfigKey integer(const char *key, int Config::*field, int min, int max)
{
	return {key, [=](Config &c, const std::string &v) { c.*field = to_int(key, v, min, max); },
			[=](const Config &c) { return std::to_string(c.*field); }};
}

ConfigKey size(const char *key, std::size_t Config::*field, int min, int max)
{
	return {key, [=](Config &c, const std::string &v) { c.*field = static_cast<std::size_t>(to_int(key, v, min, max)); },
			[=](const Config &c) { return std::to_string(c.*field); }};
}

ConfigKey text(const char *key, std::string Config::*field)
{
	return {key, [=](Config &c, const std::string &v) { c.*field = v; },
			[=](const Config &c) { return quoted(c.*field); }};
}

/* An empty value leaves the setting unset, as PostgREST reads it. */
ConfigKey optional_text(const char *key, std::optional<std::string> Config::*field)
{
	return {key, [=](Config &c, const std::string &v) {
		if (!v.empty())
			c.*field = v;
	}, [=](const Config &c) { return quoted((c.*field).value_or("")); }};
}

/*
 * Every key the gateway reads, once: how it is parsed, how it is shown, and
 * (restart) whether a reload may change it.  Long because it is the table.
 */
const std::vector<ConfigKey> &
settings()
{
	static const std::vector<ConfigKey> all = {
		restart({"db-uri", [](Config &c, const std::string &v) { c.db_uri = v; },
				 [](const Config &c) { return quoted(mask_password(c.db_uri)); }},
				[](const Config &c) { return c.db_uri; }),
		restart({"db-schemas", [](Config &c, const std::string &v) {
			if (!v.empty())
				c.db_schemas = split_list(v);
		}, [](const Config &c) { return quoted(joined(c.db_schemas, ", ")); }}),
		restart(text("db-extra-search-path", &Config::db_extra_search_path)),
		optional_text("db-anon-role", &Config::db_anon_role),
		restart(integer("db-pool", &Config::db_pool, 1, 1000)),
		restart(integer("db-pool-acquisition-timeout", &Config::db_pool_acquisition_timeout, 1, 3600)),
		optional_text("jwt-aud", &Config::jwt_aud),
		{"jwt-role-claim-key", [](Config &, const std::string &v) {
			if (v != ".role")
				throw ConfigError("jwt-role-claim-key: only \".role\" is supported");
		}, [](const Config &) { return quoted(".role"); }},
		restart(text("server-host", &Config::server_host)),
		restart(integer("server-port", &Config::server_port, 0, 65535)),
		restart({"admin-server-port", [](Config &c, const std::string &v) {
			if (!v.empty())
				c.admin_server_port = to_int("admin-server-port", v, 0, 65535);
		}, [](const Config &c) { return c.admin_server_port ? std::to_string(*c.admin_server_port) : quoted(""); }}),
		restart(text("admin-server-host", &Config::admin_server_host)),
		{"server-cors-allowed-origins", [](Config &c, const std::string &v) {
			if (!v.empty())
				c.server_cors_allowed_origins = split_list(v);
		}, [](const Config &c) { return quoted(joined(c.server_cors_allowed_origins.value_or(std::vector<std::string>()), ", ")); }},
		{"log-level", [](Config &c, const std::string &v) {
			if (v != "crit" && v != "error" && v != "warn" && v != "info" && v != "debug")
				throw ConfigError("log-level must be crit, error, warn, info or debug, not \"" + v + "\"");
			c.log_level = v;
		}, [](const Config &c) { return quoted(c.log_level); }},
		optional_text("callboard-token-role", &Config::callboard_token_role),
		optional_text("callboard-login-role", &Config::callboard_login_role),
		integer("callboard-access-token-lifetime", &Config::callboard_access_token_lifetime, 1, 86400 * 30),
		integer("callboard-refresh-token-lifetime", &Config::callboard_refresh_token_lifetime, 1, 86400 * 365),
		integer("callboard-login-attempts-per-minute", &Config::callboard_login_attempts_per_minute, 1, 100000),
		integer("callboard-login-concurrency", &Config::callboard_login_concurrency, 1, 1024),
		restart(integer("callboard-server-threads", &Config::callboard_server_threads, 0, 256)),
		restart(integer("callboard-request-timeout", &Config::callboard_request_timeout, 1, 3600)),
		restart(integer("callboard-keep-alive-timeout", &Config::callboard_keep_alive_timeout, 1, 3600)),
		restart(size("callboard-max-uri-bytes", &Config::callboard_max_uri_bytes, 256, 1024 * 1024)),
		restart(size("callboard-max-header-bytes", &Config::callboard_max_header_bytes, 1024, 1024 * 1024)),
		restart(size("callboard-max-headers", &Config::callboard_max_headers, 8, 10000)),
		restart(size("callboard-max-body-bytes", &Config::callboard_max_body_bytes, 1, 64 * 1024 * 1024)),
		restart(size("callboard-min-send-rate", &Config::callboard_min_send_rate, 0, 1024 * 1024 * 1024)),
		restart(integer("callboard-max-connections", &Config::callboard_max_connections, 1, 1000000)),
		restart(integer("callboard-shutdown-grace", &Config::callboard_shutdown_grace, 0, 3600)),
		{"callboard-statement-timeout", [](Config &c, const std::string &v) {
			/* A number and a unit PostgreSQL takes; "0" turns it off. */
			std::size_t digits = v.find_first_not_of("0123456789");
			std::string unit = digits == std::string::npos ? "" : v.substr(digits);
			if (digits == 0 || (unit != "" && unit != "ms" && unit != "s" && unit != "min" && unit != "h"))
				throw ConfigError("callboard-statement-timeout must be a number of ms, s, min or h, not \"" + v + "\"");
			c.callboard_statement_timeout = v;
		}, [](const Config &c) { return quoted(c.callboard_statement_timeout); }},
		size("callboard-cache-bytes", &Config::callboard_cache_bytes, 0, 2047 * 1024 * 1024),
		size("callboard-cache-max-entry-bytes", &Config::callboard_cache_max_entry_bytes, 1024, 1024 * 1024 * 1024),
		integer("callboard-live-interval-ms", &Config::callboard_live_interval_ms, 0, 60000),
		integer("callboard-live-max-refreshes", &Config::callboard_live_max_refreshes, 1, 1000),
		integer("callboard-live-poll-interval", &Config::callboard_live_poll_interval, 1, 3600),
		integer("callboard-live-keepalive", &Config::callboard_live_keepalive, 1, 3600),
		integer("callboard-cache-max-age", &Config::callboard_cache_max_age, 1, 86400),
		restart({"callboard-web", [](Config &c, const std::string &v) { c.callboard_web = to_bool("callboard-web", v); },
				 [](const Config &c) { return std::string(c.callboard_web ? "true" : "false"); }}),
		restart(optional_text("callboard-web-root", &Config::callboard_web_root)),
		{"callboard-cohort-headers", [](Config &c, const std::string &v) {
			/* Names as request.headers spells them: lower case. */
			for (std::string name : split_list(v))
			{
				for (char &ch : name)
					ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
				c.callboard_cohort_headers.push_back(name);
			}
		}, [](const Config &c) { return quoted(joined(c.callboard_cohort_headers, ", ")); }},
		{"callboard-trusted-proxies", [](Config &c, const std::string &v) {
			for (const std::string &range : split_list(v))
			{
				if (!parse_address_range(range))
					throw ConfigError("callboard-trusted-proxies: \"" + range +
									  "\" is not an IP address or an address/prefix range");
				c.callboard_trusted_proxies.push_back(range);
			}
		}, [](const Config &c) { return quoted(joined(c.callboard_trusted_proxies, ", ")); }},
		restart({"callboard-listen-uri", [](Config &c, const std::string &v) {
			if (!v.empty())
				c.callboard_listen_uri = v;
		}, [](const Config &c) { return quoted(mask_password(c.callboard_listen_uri.value_or(""))); }},
				[](const Config &c) { return c.callboard_listen_uri.value_or(""); }),
		restart({"callboard-db-uris", [](Config &c, const std::string &v) {
			std::stringstream words(v);
			for (std::string uri; words >> uri;)
				c.db_uris.push_back(uri);
		}, [](const Config &c) {
			std::vector<std::string> masked;
			for (const std::string &uri : c.db_uris)
				masked.push_back(mask_password(uri));
			return quoted(joined(masked, " "));
		}}, [](const Config &c) { return joined(c.db_uris, " "); }),
	};
	return all;
}

/* jwt-secret, decoded when jwt-secret-is-base64, and at least 32 bytes. */
std::string
jwt_secret(const std::string &value, const std::string &is_base64)
{
	std::string secret = value;
	if (to_bool("jwt-secret-is-base64", is_base64))
	{
		auto		decoded = base64_decode(value);
		if (!decoded)
			throw ConfigError("jwt-secret is not valid base64 (jwt-secret-is-base64 is true)");
		secret = *decoded;
	}
	if (secret.size() < 32)
		throw ConfigError("jwt-secret must be at least 32 characters long");
	return secret;
}

}								/* namespace */

Config
make_config(const std::map<std::string, std::string> &file_values,
			const std::map<std::string, std::string> &env)
{
	/* One lookup: the environment overrides the file. */
	auto		get = [&](const std::string &key) -> std::optional<std::string> {
		auto		e = env.find(env_name(key));
		if (e != env.end())
			return e->second;
		auto		f = file_values.find(key);
		if (f != file_values.end())
			return f->second;
		return std::nullopt;
	};
	Config		c;

	/* PostgREST's older name for db-schemas. */
	if (auto v = get("db-schema"); v && !v->empty() && !get("db-schemas"))
		c.db_schemas = split_list(*v);
	for (const ConfigKey &setting : settings())
		if (auto v = get(setting.key))
			setting.set(c, *v);
	if (auto v = get("jwt-secret"))
		c.jwt_secret = jwt_secret(*v, get("jwt-secret-is-base64").value_or("false"));

	if (c.db_uris.empty())
		c.db_uris.push_back(c.db_uri);
	if (c.db_schemas.empty())
		throw ConfigError("db-schemas must name at least one schema");
	return c;
}

std::vector<std::string>
reloadable_keys()
{
	std::vector<std::string> keys;
	for (const ConfigKey &setting : settings())
		if (!setting.restart)
			keys.push_back(setting.key);
	keys.push_back("jwt-secret");
	keys.push_back("jwt-secret-is-base64");
	return keys;
}

std::vector<std::string>
restart_keys()
{
	std::vector<std::string> keys;
	for (const ConfigKey &setting : settings())
		if (setting.restart)
			keys.push_back(setting.key);
	return keys;
}

std::string
restart_only_changes(const Config &a, const Config &b)
{
	std::string keys;
	for (const ConfigKey &setting : settings())
	{
		if (!setting.restart)
			continue;
		const auto &value = setting.raw ? setting.raw : setting.show;
		if (value(a) != value(b))
			keys += std::string(keys.empty() ? "" : ", ") + setting.key;
	}
	return keys;
}

std::string
dump_config(const Config &config)
{
	std::string out;
	for (const ConfigKey &setting : settings())
		out += std::string(setting.key) + " = " + setting.show(config) + "\n";
	out += std::string("jwt-secret = ") + quoted(config.jwt_secret.empty() ? "" : "***") + "\n";
	out += "jwt-secret-is-base64 = false\n";
	return out;
}

Config
load_config(const std::string &path)
{
	std::map<std::string, std::string> env;
	for (char **e = environ; *e; e++)
	{
		std::string kv(*e);
		std::size_t eq = kv.find('=');
		if (eq != std::string::npos)
			env[kv.substr(0, eq)] = kv.substr(eq + 1);
	}

	std::map<std::string, std::string> file_values;
	if (!path.empty())
	{
		std::ifstream in(path);
		if (!in)
			throw ConfigError("cannot read " + path);
		std::stringstream text;
		text << in.rdbuf();
		file_values = parse_config_text(text.str(), env);
	}
	return make_config(file_values, env);
}

}								/* namespace gateway */
