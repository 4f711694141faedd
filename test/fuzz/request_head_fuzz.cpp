/*
 * request_head_fuzz.cpp
 *		headers_json() (request.headers) and request_line_too_long() (414 or
 *		431): what the gateway reads itself from a request's head.
 *
 * Input: two bytes of max_uri_bytes, then a head as received: lines, each
 * "name:value" (a line without ':' is a name with an empty value).
 */
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "http/request_head.hpp"
#include "utf8.hpp"

using gateway::HeaderFields;

namespace {

std::string lower_ascii(std::string_view s)
{
	std::string out(s);
	for (char &c : out)
		if (c >= 'A' && c <= 'Z')
			c = static_cast<char>(c - 'A' + 'a');
	return out;
}

void check_headers_json(std::string_view head)
{
	HeaderFields fields;
	while (!head.empty())
	{
		std::size_t newline = head.find('\n');
		std::string_view line = head.substr(0, newline);
		std::size_t colon = line.find(':');
		fields.emplace_back(line.substr(0, colon),
							colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1));
		if (newline == std::string_view::npos)
			break;
		head.remove_prefix(newline + 1);
	}

	std::string text = gateway::headers_json(fields);
	nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
	/* Whatever the bytes, the result is a JSON object nlohmann reads back. */
	FUZZ_CHECK(!object.is_discarded());
	FUZZ_CHECK(object.is_object());
	for (auto it = object.begin(); it != object.end(); ++it)
	{
		FUZZ_CHECK(it.value().is_string());
		FUZZ_CHECK(lower_ascii(it.key()) == it.key());
	}

	/* Where the text is UTF-8 (Beast admits only tokens as names), exactly. */
	std::map<std::string, std::string> expected;
	bool		names_valid = true;
	std::set<std::string> values_valid_for;
	std::set<std::string> values_invalid_for;
	for (const auto &[name, value] : fields)
	{
		names_valid = names_valid && valid_utf8(name);
		std::string key = lower_ascii(name);
		auto [it, inserted] = expected.try_emplace(key, value);
		if (!inserted)
			it->second.append(", ").append(value);
		(valid_utf8(value) ? values_valid_for : values_invalid_for).insert(key);
	}
	if (!names_valid)
		return;
	FUZZ_CHECK(object.size() == expected.size());
	for (const auto &[key, value] : expected)
	{
		FUZZ_CHECK(object.contains(key));
		if (values_invalid_for.count(key) == 0)
			FUZZ_CHECK(object[key].get<std::string>() == value);
	}
}

/* A naive statement of the rule: a copy the function must agree with. */
bool line_too_long(std::string_view received, std::size_t max_uri_bytes)
{
	std::size_t newline = received.find('\n');
	if (newline == std::string_view::npos)
		return received.size() > max_uri_bytes;
	return newline > max_uri_bytes + 64;
}

void check_request_line(std::string_view received, std::size_t max_uri_bytes)
{
	/* The exact size, so that ASan sees a read beyond what was received. */
	std::string copy(received);
	bool		too_long = gateway::request_line_too_long(copy.data(), copy.size(), max_uri_bytes);
	FUZZ_CHECK(too_long == line_too_long(received, max_uri_bytes));

	/* Once the line is complete, what follows it changes nothing. */
	std::size_t newline = received.find('\n');
	if (newline != std::string_view::npos)
	{
		std::string_view line = received.substr(0, newline + 1);
		FUZZ_CHECK(gateway::request_line_too_long(line.data(), line.size(), max_uri_bytes) == too_long);
	}
	/* Nothing received is never too long. */
	FUZZ_CHECK(!gateway::request_line_too_long(copy.data(), 0, max_uri_bytes));
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < 2)
		return 0;
	std::size_t max_uri_bytes = static_cast<std::size_t>(data[0]) << 8 | data[1];
	std::string_view head(reinterpret_cast<const char *>(data + 2), size - 2);

	check_headers_json(head);
	check_request_line(head, max_uri_bytes);
	return 0;
}
