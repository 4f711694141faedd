/*
 * trusted_proxies.cpp
 *		Walking X-Forwarded-For from the right.
 */
#include "auth/trusted_proxies.hpp"

#include <algorithm>
#include <cctype>

namespace gateway {

namespace {

std::string_view
trimmed(std::string_view s)
{
	while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
		s.remove_prefix(1);
	while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
		s.remove_suffix(1);
	return s;
}

bool
iequals(std::string_view a, std::string_view b)
{
	return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
		return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
	});
}

}								/* namespace */

TrustedProxies::TrustedProxies(const std::vector<std::string> &ranges)
{
	for (const std::string &r : ranges)
		if (auto range = parse_address_range(r))
			ranges_.push_back(*range);
}

bool
TrustedProxies::trusts(const AddressRange &address) const
{
	return std::any_of(ranges_.begin(), ranges_.end(), [&](const AddressRange &r) { return r.contains(address); });
}

std::string
TrustedProxies::client(const std::string &peer, const HeaderFields &fields) const
{
	std::optional<AddressRange> hop = parse_address(peer);
	if (!hop || !trusts(*hop))
		return peer;

	/* Every X-Forwarded-For field, in order, as one list; walked from its right end. */
	std::vector<std::string_view> entries;
	for (const auto &[name, value] : fields)
		if (iequals(name, "X-Forwarded-For"))
			for (std::size_t start = 0; start <= value.size();)
			{
				std::size_t comma = std::min(value.find(',', start), value.size());
				entries.push_back(trimmed(value.substr(start, comma - start)));
				start = comma + 1;
			}
	for (auto it = entries.rbegin(); it != entries.rend(); ++it)
	{
		std::optional<AddressRange> next = parse_address(*it);
		if (!next)
			break;				/* not an address: the last trusted hop is all we know */
		hop = next;
		if (!trusts(*hop))
			break;
	}
	return address_text(*hop);
}

}								/* namespace gateway */
