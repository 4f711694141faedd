// callboard-trusted-proxies: addresses and ranges, and the client a trusted
// proxy names in X-Forwarded-For.
#include <gtest/gtest.h>

#include "auth/trusted_proxies.hpp"
#include "config/config.hpp"

using namespace gateway;

namespace {

std::string client(const std::vector<std::string> &trusted, const std::string &peer,
				   const std::vector<std::string> &forwarded)
{
	HeaderFields fields;
	fields.emplace_back("Host", "example");
	for (const std::string &value : forwarded)
		fields.emplace_back("X-Forwarded-For", value);
	return TrustedProxies(trusted).client(peer, fields);
}

}								/* namespace */

TEST(TrustedProxies, AddressesAndRanges)
{
	EXPECT_TRUE(parse_address_range("192.0.2.7"));
	EXPECT_TRUE(parse_address_range(" 10.0.0.0/8 "));
	EXPECT_TRUE(parse_address_range("2001:db8::/32"));
	EXPECT_TRUE(parse_address_range("::1"));
	for (const char *bad : {"", "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0", "example.com",
							"10.0.0.1:80", "[::1]", "10.0.0.0/8/8", "1.2.3.4/0008"})
		EXPECT_FALSE(parse_address_range(bad)) << bad;
	auto		net = *parse_address_range("10.1.0.0/16");
	EXPECT_TRUE(net.contains(*parse_address("10.1.255.3")));
	EXPECT_FALSE(net.contains(*parse_address("10.2.0.1")));
	EXPECT_FALSE(net.contains(*parse_address("::ffff:10.2.0.1")));
	EXPECT_TRUE(net.contains(*parse_address("::ffff:10.1.0.1")));	/* IPv4 mapped into IPv6 reads as IPv4 */
	auto		odd = *parse_address_range("192.0.2.128/25");
	EXPECT_TRUE(odd.contains(*parse_address("192.0.2.200")));
	EXPECT_FALSE(odd.contains(*parse_address("192.0.2.127")));
	EXPECT_TRUE(parse_address_range("0.0.0.0/0")->contains(*parse_address("203.0.113.9")));
	EXPECT_FALSE(parse_address_range("0.0.0.0/0")->contains(*parse_address("2001:db8::1")));
}

TEST(TrustedProxies, NoneTrustedByDefault)
{
	EXPECT_EQ(client({}, "127.0.0.1", {"203.0.113.9"}), "127.0.0.1");
}

TEST(TrustedProxies, AnUntrustedPeerIsTheClientWhateverItSays)
{
	EXPECT_EQ(client({"10.0.0.0/8"}, "198.51.100.4", {"203.0.113.9"}), "198.51.100.4");
}

TEST(TrustedProxies, TheRightmostUntrustedHopIsTheClient)
{
	std::vector<std::string> trusted = {"10.0.0.0/8", "192.0.2.7"};
	EXPECT_EQ(client(trusted, "10.0.0.5", {"203.0.113.9"}), "203.0.113.9");
	/* A client's own header is left of what the proxies appended: it cannot pick its bucket. */
	EXPECT_EQ(client(trusted, "10.0.0.5", {"1.1.1.1, 203.0.113.9"}), "203.0.113.9");
	/* Proxies behind proxies are skipped. */
	EXPECT_EQ(client(trusted, "10.0.0.5", {"203.0.113.9, 192.0.2.7, 10.9.9.9"}), "203.0.113.9");
	/* Several fields are one list, in order. */
	EXPECT_EQ(client(trusted, "10.0.0.5", {"1.1.1.1", "203.0.113.9, 10.9.9.9"}), "203.0.113.9");
	/* Every hop trusted: the left-most is all there is. */
	EXPECT_EQ(client(trusted, "10.0.0.5", {"10.1.1.1, 10.2.2.2"}), "10.1.1.1");
	/* No header: the proxy itself. */
	EXPECT_EQ(client(trusted, "10.0.0.5", {}), "10.0.0.5");
	EXPECT_EQ(client({"::1"}, "::1", {"2001:db8::5"}), "2001:db8::5");
	EXPECT_EQ(client({"127.0.0.1"}, "::ffff:127.0.0.1", {"203.0.113.9"}), "203.0.113.9");
}

TEST(TrustedProxies, AnEntryThatIsNoAddressEndsTheWalk)
{
	std::vector<std::string> trusted = {"10.0.0.0/8"};
	EXPECT_EQ(client(trusted, "10.0.0.5", {"203.0.113.9, unknown"}), "10.0.0.5");
	EXPECT_EQ(client(trusted, "10.0.0.5", {"203.0.113.9, 10.1.1.1, garbage"}), "10.0.0.5");
	EXPECT_EQ(client(trusted, "10.0.0.5", {"garbage, 10.1.1.1"}), "10.1.1.1");
	EXPECT_EQ(client(trusted, "10.0.0.5", {""}), "10.0.0.5");
	EXPECT_EQ(client(trusted, "10.0.0.5", {"203.0.113.9,"}), "10.0.0.5");
	EXPECT_EQ(client(trusted, "10.0.0.5", {std::string(5000, '1')}), "10.0.0.5");
}

TEST(TrustedProxies, TheSettingIsCheckedAndOffByDefault)
{
	EXPECT_TRUE(make_config({}, {}).callboard_trusted_proxies.empty());
	auto		c = make_config({{"callboard-trusted-proxies", "10.0.0.0/8, 192.0.2.7"}}, {});
	EXPECT_EQ(c.callboard_trusted_proxies, (std::vector<std::string>{"10.0.0.0/8", "192.0.2.7"}));
	try
	{
		make_config({{"callboard-trusted-proxies", "10.0.0.0/8, proxy.example"}}, {});
		FAIL() << "a name is not an address";
	}
	catch (const ConfigError &e)
	{
		EXPECT_NE(std::string(e.what()).find("callboard-trusted-proxies"), std::string::npos);
		EXPECT_NE(std::string(e.what()).find("proxy.example"), std::string::npos);
	}
}
