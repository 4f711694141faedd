/*
 * address_range.cpp
 *		Addresses and ranges, read with inet_pton.
 */
#include "core/address_range.hpp"

#include <arpa/inet.h>

#include <algorithm>

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

}								/* namespace */

std::string
address_text(const AddressRange &a)
{
	char		text[INET6_ADDRSTRLEN];
	if (inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), text, sizeof text) == nullptr)
		return "-";
	return text;
}

std::optional<AddressRange>
parse_address(std::string_view text)
{
	/* inet_pton wants a C string; an address is short. */
	if (text.empty() || text.size() >= INET6_ADDRSTRLEN)
		return std::nullopt;
	std::string s(text);
	AddressRange a;
	if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1)
	{
		a.prefix = 32;
		return a;
	}
	if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1)
		return std::nullopt;
	static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	if (std::equal(kMapped, kMapped + 12, a.bytes.begin()))
	{
		std::copy(a.bytes.begin() + 12, a.bytes.end(), a.bytes.begin());
		std::fill(a.bytes.begin() + 4, a.bytes.end(), 0);
		a.prefix = 32;
		return a;
	}
	a.v6 = true;
	a.prefix = 128;
	return a;
}

std::optional<AddressRange>
parse_address_range(std::string_view text)
{
	text = trimmed(text);
	std::size_t slash = text.find('/');
	std::optional<AddressRange> a = parse_address(text.substr(0, slash));
	if (!a || slash == std::string_view::npos)
		return a;
	std::string_view bits = text.substr(slash + 1);
	int			max = a->v6 ? 128 : 32;
	if (bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), [](char c) {
			return c >= '0' && c <= '9';
		}))
		return std::nullopt;
	int			prefix = std::stoi(std::string(bits));
	if (prefix > max)
		return std::nullopt;
	a->prefix = prefix;
	return a;
}

bool
AddressRange::contains(const AddressRange &address) const
{
	if (address.v6 != v6)
		return false;
	int			whole = prefix / 8;
	if (!std::equal(bytes.begin(), bytes.begin() + whole, address.bytes.begin()))
		return false;
	int			rest = prefix % 8;
	if (rest == 0)
		return true;
	unsigned char mask = static_cast<unsigned char>(0xff << (8 - rest));
	return (bytes[whole] & mask) == (address.bytes[whole] & mask);
}

}								/* namespace gateway */
