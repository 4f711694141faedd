/*
 * document_expiry.cpp
 *		Reading a document's end of currency.
 */
#include "live/document_expiry.hpp"

#include <nlohmann/json.hpp>

#include "core/json_body.hpp"

namespace gateway {

namespace {

/* n decimal digits at text[pos], or -1. */
int
digits(std::string_view text, std::size_t pos, std::size_t n)
{
	int			value = 0;
	for (std::size_t i = pos; i < pos + n; i++)
	{
		if (text[i] < '0' || text[i] > '9')
			return -1;
		value = value * 10 + (text[i] - '0');
	}
	return value;
}

}								/* namespace */

std::optional<SystemTime>
parse_utc_timestamp(std::string_view text)
{
	using namespace std::chrono;

	/* 2025-10-24T10:00:00+00:00 (25 bytes), or with .ffffff before the offset (32). */
	constexpr std::string_view kUtc = "+00:00";
	if (text.size() != 25 && text.size() != 32)
		return std::nullopt;
	if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':' ||
		text.substr(text.size() - kUtc.size()) != kUtc)
		return std::nullopt;
	int			y = digits(text, 0, 4), mo = digits(text, 5, 2), d = digits(text, 8, 2);
	int			h = digits(text, 11, 2), mi = digits(text, 14, 2), s = digits(text, 17, 2);
	int			us = 0;
	if (text.size() == 32)
	{
		if (text[19] != '.')
			return std::nullopt;
		us = digits(text, 20, 6);
	}
	if (y < 1 || mo < 0 || d < 0 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || us < 0)
		return std::nullopt;

	year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
	if (!date.ok())
		return std::nullopt;
	/* In microseconds, which hold years 1 to 9999; the system clock's nanoseconds hold 1678 to 2261. */
	sys_time<microseconds> t = sys_days{date} + hours{h} + minutes{mi} + seconds{s} + microseconds{us};
	if (t >= floor<microseconds>(SystemTime::max()))
		return SystemTime::max();
	if (t <= ceil<microseconds>(SystemTime::min()))
		return SystemTime::min();
	return time_point_cast<SystemTime::duration>(t);
}

SystemTime
document_expiry(const char *pointer, std::string_view body)
{
	auto		parsed = parse_json_body(body);
	if (const auto *json = std::get_if<nlohmann::json>(&parsed))
	{
		try
		{
			nlohmann::json::json_pointer at(pointer);
			if (json->contains(at) && json->at(at).is_string())
				if (auto time = parse_utc_timestamp(json->at(at).get_ref<const std::string &>()))
					return *time;
		}
		catch (const nlohmann::json::exception &)
		{
			/* A path that does not fit the document's shape: no time there. */
		}
	}
	return SystemTime::min();
}

}								/* namespace gateway */
