/*
 * config_fuzz.cpp
 *		The postgrest.conf reader: parse_config_text(), then make_config().
 *
 * Input: a configuration file's text.  The environment is fixed.
 */
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "config/config.hpp"
#include "fuzz_check.hpp"

using namespace gateway;

namespace {

const std::map<std::string, std::string> kEnv = {
	{"DB", "postgres://authenticator@127.0.0.1/app"},
	{"SECRET", "callboard-fuzz-secret-0123456789-abcdefghij"},
	{"EMPTY", ""},
};

/* `key = "value"`, escaped so that parse_config_text() reads the same value back. */
std::string config_line(const std::string &key, const std::string &value)
{
	std::string line = key + " = \"";
	for (char c : value)
	{
		if (c == '"' || c == '\\')
			line += '\\';
		line += c;
	}
	return line + "\"\n";
}

/* Every field, in one string, to compare two Configs. */
std::string describe(const Config &c)
{
	std::ostringstream out;
	auto		list = [&](const std::vector<std::string> &items) {
		for (const auto &i : items)
			out << i << '\x1f';
		out << '\x1e';
	};
	auto		optional = [&](const std::optional<std::string> &v) { out << (v ? "=" + *v : "-") << '\x1e'; };
	out << c.db_uri << '\x1e';
	list(c.db_uris);
	list(c.db_schemas);
	out << c.db_extra_search_path << '\x1e';
	optional(c.db_anon_role);
	out << c.db_pool << ' ' << c.db_pool_acquisition_timeout << '\x1e' << c.jwt_secret << '\x1e';
	optional(c.jwt_aud);
	out << c.server_host << ' ' << c.server_port << '\x1e';
	if (c.server_cors_allowed_origins)
		list(*c.server_cors_allowed_origins);
	out << c.log_level << '\x1e';
	optional(c.callboard_token_role);
	optional(c.callboard_login_role);
	out << c.callboard_access_token_lifetime << ' ' << c.callboard_refresh_token_lifetime << ' '
		<< c.callboard_server_threads << ' ' << c.callboard_request_timeout << ' '
		<< c.callboard_keep_alive_timeout << ' ' << c.callboard_max_uri_bytes << ' '
		<< c.callboard_max_header_bytes << ' ' << c.callboard_max_headers << ' '
		<< c.callboard_max_body_bytes << ' ' << c.callboard_min_send_rate << ' '
		<< c.callboard_max_connections << ' ' << c.callboard_shutdown_grace;
	return out.str();
}

std::optional<Config> try_make_config(const std::map<std::string, std::string> &file,
									  const std::map<std::string, std::string> &env)
{
	try
	{
		return make_config(file, env);
	}
	catch (const ConfigError &)
	{
		return std::nullopt;
	}
}

/* What any Config that make_config() returns must satisfy. */
void check_config(const Config &c)
{
	FUZZ_CHECK(!c.db_uris.empty());
	FUZZ_CHECK(!c.db_schemas.empty());
	FUZZ_CHECK(c.jwt_secret.empty() || c.jwt_secret.size() >= 32);
	FUZZ_CHECK(c.db_pool >= 1 && c.db_pool <= 1000);
	FUZZ_CHECK(c.server_port >= 0 && c.server_port <= 65535);
	FUZZ_CHECK(c.callboard_request_timeout >= 1 && c.callboard_keep_alive_timeout >= 1);
	FUZZ_CHECK(c.callboard_max_uri_bytes >= 256 && c.callboard_max_header_bytes >= 1024);
	FUZZ_CHECK(c.callboard_max_headers >= 8 && c.callboard_max_body_bytes >= 1);
	FUZZ_CHECK(c.callboard_max_connections >= 1 && c.callboard_server_threads >= 0);
	FUZZ_CHECK(c.log_level == "crit" || c.log_level == "error" || c.log_level == "warn" ||
			   c.log_level == "info" || c.log_level == "debug");
	FUZZ_CHECK(!c.db_anon_role || !c.db_anon_role->empty());
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string text(reinterpret_cast<const char *>(data), size);
	std::map<std::string, std::string> values;
	try
	{
		values = parse_config_text(text, kEnv);
	}
	catch (const ConfigError &)
	{
		return 0;
	}

	/*
	 * Written back quoted, the values read the same; unless one holds "$(",
	 * which the format has no way to write but as a
	 * variable: "$$(X)(X)" reads as "$(X)", which reads as "".
	 */
	std::string written;
	bool		writable = true;
	for (const auto &[key, value] : values)
	{
		written += config_line(key, value);
		writable = writable && value.find("$(") == std::string::npos;
	}
	if (writable)
		FUZZ_CHECK(parse_config_text(written, kEnv) == values);

	std::optional<Config> from_file = try_make_config(values, {});
	if (from_file)
		check_config(*from_file);

	/*
	 * The same values as PGRST_* variables make the same Config (for keys
	 * spelled as the documentation spells them, so that names map one to one).
	 */
	std::map<std::string, std::string> env;
	for (const auto &[key, value] : values)
	{
		if (key.empty() || key.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos)
			return 0;
		std::string name = "PGRST_";
		for (char c : key)
			name += c == '-' ? '_' : static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
		env[name] = value;
	}
	std::optional<Config> from_env = try_make_config({}, env);
	FUZZ_CHECK(from_file.has_value() == from_env.has_value());
	if (from_file)
		FUZZ_CHECK(describe(*from_file) == describe(*from_env));
	return 0;
}
