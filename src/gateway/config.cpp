/*
 * config.cpp
 *		The postgrest.conf format, PGRST_* variables, and checked values.
 */
#include "config.hpp"

#include "base64.hpp"

#include <cctype>
#include <fstream>
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

Config
make_config(const std::map<std::string, std::string> &file_values,
			const std::map<std::string, std::string> &env)
{
	/* One lookup: the environment overrides the file. */
	auto get = [&](const std::string &key) -> std::optional<std::string> {
		auto e = env.find(env_name(key));
		if (e != env.end())
			return e->second;
		auto f = file_values.find(key);
		if (f != file_values.end())
			return f->second;
		return std::nullopt;
	};
	Config c;

	if (auto v = get("db-uri"))
		c.db_uri = *v;
	if (auto v = get("db-schemas").value_or(get("db-schema").value_or("")); !v.empty())
		c.db_schemas = split_list(v);
	if (auto v = get("db-extra-search-path"))
		c.db_extra_search_path = *v;
	if (auto v = get("db-anon-role"); v && !v->empty())
		c.db_anon_role = *v;
	if (auto v = get("db-pool"))
		c.db_pool = to_int("db-pool", *v, 1, 1000);
	if (auto v = get("db-pool-acquisition-timeout"))
		c.db_pool_acquisition_timeout = to_int("db-pool-acquisition-timeout", *v, 1, 3600);
	if (auto v = get("jwt-secret"))
	{
		bool is_base64 = to_bool("jwt-secret-is-base64", get("jwt-secret-is-base64").value_or("false"));
		if (is_base64)
		{
			auto decoded = base64_decode(*v);
			if (!decoded)
				throw ConfigError("jwt-secret is not valid base64 (jwt-secret-is-base64 is true)");
			c.jwt_secret = *decoded;
		}
		else
			c.jwt_secret = *v;
		if (c.jwt_secret.size() < 32)
			throw ConfigError("jwt-secret must be at least 32 characters long");
	}
	if (auto v = get("jwt-aud"); v && !v->empty())
		c.jwt_aud = *v;
	if (auto v = get("jwt-role-claim-key"); v && *v != ".role")
		throw ConfigError("jwt-role-claim-key: only \".role\" is supported");
	if (auto v = get("server-host"))
		c.server_host = *v;
	if (auto v = get("server-port"))
		c.server_port = to_int("server-port", *v, 0, 65535);
	if (auto v = get("server-cors-allowed-origins"); v && !v->empty())
		c.server_cors_allowed_origins = split_list(*v);
	if (auto v = get("log-level"))
	{
		if (*v != "crit" && *v != "error" && *v != "warn" && *v != "info" && *v != "debug")
			throw ConfigError("log-level must be crit, error, warn, info or debug");
		c.log_level = *v;
	}
	if (auto v = get("callboard-token-role"); v && !v->empty())
		c.callboard_token_role = *v;
	if (auto v = get("callboard-login-role"); v && !v->empty())
		c.callboard_login_role = *v;
	if (auto v = get("callboard-access-token-lifetime"))
		c.callboard_access_token_lifetime = to_int("callboard-access-token-lifetime", *v, 1, 86400 * 30);
	if (auto v = get("callboard-refresh-token-lifetime"))
		c.callboard_refresh_token_lifetime = to_int("callboard-refresh-token-lifetime", *v, 1, 86400 * 365);
	if (auto v = get("callboard-server-threads"))
		c.callboard_server_threads = to_int("callboard-server-threads", *v, 1, 4096);
	if (auto v = get("callboard-request-timeout"))
		c.callboard_request_timeout = to_int("callboard-request-timeout", *v, 1, 3600);
	if (auto v = get("callboard-max-body-bytes"))
		c.callboard_max_body_bytes = to_int("callboard-max-body-bytes", *v, 1, 64 * 1024 * 1024);

	c.db_uris.clear();
	if (auto v = get("callboard-db-uris"))
	{
		std::stringstream words(*v);
		for (std::string uri; words >> uri;)
			c.db_uris.push_back(uri);
	}
	if (c.db_uris.empty())
		c.db_uris.push_back(c.db_uri);

	if (c.db_schemas.empty())
		throw ConfigError("db-schemas must name at least one schema");
	return c;
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
