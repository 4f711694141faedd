/*
 * query_string.cpp
 *		Percent-decoding and splitting a request target.
 */
#include "http/query_string.hpp"

namespace gateway {

namespace {

int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

}								/* namespace */

std::string
percent_decode(std::string_view text, bool plus_is_space)
{
	std::string out;
	out.reserve(text.size());
	for (std::size_t i = 0; i < text.size(); i++)
	{
		char		c = text[i];
		if (c == '%' && i + 2 < text.size())
		{
			int			hi = hex_value(text[i + 1]);
			int			lo = hex_value(text[i + 2]);
			if (hi >= 0 && lo >= 0)
			{
				out += static_cast<char>(hi * 16 + lo);
				i += 2;
				continue;
			}
		}
		out += (c == '+' && plus_is_space) ? ' ' : c;
	}
	return out;
}

Target
parse_target(std::string_view target)
{
	Target		t;
	std::size_t question = target.find('?');
	t.path = percent_decode(target.substr(0, question), false);
	if (question == std::string_view::npos)
		return t;

	std::string_view query = target.substr(question + 1);
	while (!query.empty())
	{
		std::size_t amp = query.find('&');
		std::string_view pair = query.substr(0, amp);
		if (!pair.empty())
		{
			std::size_t eq = pair.find('=');
			std::string_view key = pair.substr(0, eq);
			std::string_view value = eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
			t.params.emplace(percent_decode(key, true), percent_decode(value, true));
		}
		if (amp == std::string_view::npos)
			break;
		query.remove_prefix(amp + 1);
	}
	return t;
}

}								/* namespace gateway */
