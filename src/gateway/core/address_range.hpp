/*
 * address_range.hpp
 *		IPv4 and IPv6 addresses, and ranges of them (address/prefix).
 *
 * callboard-trusted-proxies lists them: the configuration checks each entry
 * here, and TrustedProxies (trusted_proxies.hpp) matches peers against them.
 */
#ifndef CALLBOARD_GATEWAY_ADDRESS_RANGE_HPP
#define CALLBOARD_GATEWAY_ADDRESS_RANGE_HPP

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace gateway {

/* An IPv4 or IPv6 address, or a range of them (address/prefix). */
struct AddressRange
{
	bool		v6 = false;
	std::array<unsigned char, 16> bytes{};
	int			prefix = 0;		/* bits that must match */

	bool		contains(const AddressRange &address) const;
};

/* "192.0.2.7", "10.0.0.0/8", "::1", "2001:db8::/32"; nullopt if it is none of these. */
std::optional<AddressRange> parse_address_range(std::string_view text);

/* An address alone (no prefix); an IPv4 address mapped into IPv6 (::ffff:a.b.c.d) reads as IPv4. */
std::optional<AddressRange> parse_address(std::string_view text);

/* The address's text, as inet_ntop writes it (the prefix left out); "-" if it cannot. */
std::string address_text(const AddressRange &address);

}								/* namespace gateway */

#endif
