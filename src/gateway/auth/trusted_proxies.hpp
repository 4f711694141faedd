/*
 * trusted_proxies.hpp
 *		Who a client is when the gateway sits behind proxies it trusts.
 *
 * Behind a load balancer every connection comes from the balancer, so a
 * limit per peer address (the login limiter's) would put every user in one
 * bucket.  callboard-trusted-proxies lists the addresses and ranges
 * ("10.0.0.0/8, 192.0.2.7, 2001:db8::/32") whose X-Forwarded-For the
 * gateway believes; unset, it believes none and the peer address is the
 * client.  From a trusted peer, the client is the right-most address of
 * X-Forwarded-For that is not itself a trusted proxy (nginx's real_ip with
 * real_ip_recursive): what the nearest untrusted hop said, which no client
 * can forge by sending a header of its own.  An entry that is not an
 * address ends the walk: the last trusted hop is then the client.
 */
#ifndef CALLBOARD_GATEWAY_TRUSTED_PROXIES_HPP
#define CALLBOARD_GATEWAY_TRUSTED_PROXIES_HPP

#include <string>
#include <vector>

#include "core/address_range.hpp"
#include "http/request_head.hpp"

namespace gateway {

class TrustedProxies
{
public:
	/* `ranges` as callboard-trusted-proxies gives them (each already checked by the config). */
	explicit	TrustedProxies(const std::vector<std::string> &ranges);

	bool		trusts(const AddressRange &address) const;

	/* The client of a request from `peer` with these header fields. */
	std::string client(const std::string &peer, const HeaderFields &fields) const;

private:
	std::vector<AddressRange> ranges_;
};

}								/* namespace gateway */

#endif
