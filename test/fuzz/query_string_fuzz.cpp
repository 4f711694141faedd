/*
 * query_string_fuzz.cpp
 *		parse_target() and percent_decode(): the first code a request target
 *		meets, before any token is checked.
 *
 * Input: a request target, as Beast hands it over.
 */
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "http/query_string.hpp"

using gateway::parse_target;
using gateway::percent_decode;

namespace {

bool has_encoded_question_mark(std::string_view s)
{
	return s.find("%3F") != std::string_view::npos || s.find("%3f") != std::string_view::npos;
}

/* Every byte as %XX, in the case the byte's own bits choose. */
std::string encode_all(std::string_view s)
{
	static const char upper[] = "0123456789ABCDEF";
	static const char lower[] = "0123456789abcdef";
	std::string out;
	for (unsigned char c : s)
	{
		const char *digits = (c & 1) ? upper : lower;
		out += '%';
		out += digits[c >> 4];
		out += digits[c & 0xf];
	}
	return out;
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string_view target(reinterpret_cast<const char *>(data), size);
	gateway::Target t = parse_target(target);

	std::size_t question = target.find('?');
	std::string_view raw_path = target.substr(0, question);

	/* The path is the decoded text before the first '?', nothing more. */
	FUZZ_CHECK(t.path == percent_decode(raw_path, false));
	/* So a '?' in it was sent as %3F: an unencoded one always starts the query. */
	FUZZ_CHECK(t.path.find('?') == std::string::npos || has_encoded_question_mark(raw_path));
	FUZZ_CHECK(t.path.size() <= raw_path.size());

	/* Parameters come only from a query, and decoding never grows them. */
	std::size_t param_bytes = 0;
	for (const auto &[key, value] : t.params)
		param_bytes += key.size() + value.size();
	if (question == std::string_view::npos)
		FUZZ_CHECK(t.params.empty());
	else
	{
		std::string_view query = target.substr(question + 1);
		std::size_t ampersands = 0;
		for (char c : query)
			ampersands += c == '&';
		FUZZ_CHECK(t.params.size() <= ampersands + 1);
		FUZZ_CHECK(param_bytes <= query.size());
	}

	/* Decoding: never longer; the identity on text without '%' or '+'. */
	for (bool plus_is_space : {false, true})
	{
		std::string decoded = percent_decode(target, plus_is_space);
		FUZZ_CHECK(decoded.size() <= size);
		if (target.find_first_of("%+") == std::string_view::npos)
			FUZZ_CHECK(decoded == target);
	}
	/* Any bytes, every one escaped, come back as they were. */
	FUZZ_CHECK(percent_decode(encode_all(target), true) == target);
	return 0;
}
