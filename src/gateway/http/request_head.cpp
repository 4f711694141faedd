/*
 * request_head.cpp
 *		request.headers and the 414/431 decision.
 */
#include "http/request_head.hpp"

#include <cctype>
#include <cstring>
#include <map>

#include <nlohmann/json.hpp>

namespace gateway {

namespace {

/* The bytes of a request line's method, version and line end beyond its target. */
constexpr std::size_t kRequestLineOverhead = 64;

std::string
lower(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return out;
}

}								/* namespace */

std::string
headers_json(const HeaderFields &fields)
{
	std::map<std::string, std::string> merged;
	for (const auto &[name, value] : fields)
	{
		auto		[it, inserted] = merged.try_emplace(lower(name), value);
		if (!inserted)
		{
			it->second += ", ";
			it->second.append(value.data(), value.size());
		}
	}
	nlohmann::json object(merged);
	return object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool
request_line_too_long(const char *data, std::size_t size, std::size_t max_uri_bytes)
{
	const void *newline = std::memchr(data, '\n', size);
	std::size_t line = newline ? static_cast<std::size_t>(static_cast<const char *>(newline) - data) : size;
	return line > max_uri_bytes + kRequestLineOverhead || (!newline && size > max_uri_bytes);
}

}								/* namespace gateway */
