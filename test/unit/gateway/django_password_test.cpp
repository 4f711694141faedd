// Django's pbkdf2_sha256 hashes: the fixture's two users, made by real Django.
#include <gtest/gtest.h>

#include "auth/django_password.hpp"

using gateway::check_django_password;
using gateway::kMaxDjangoIterations;
using gateway::parse_django_hash;

namespace {
const std::string kDispatcher =
	"pbkdf2_sha256$260000$callboardfixture1$Y5AJJf9DHTIZiOC/9aozqvHQKkI/Z7Qk1JvnMKbljL0=";
const std::string kFormer =
	"pbkdf2_sha256$260000$callboardfixture2$EpEhDPK06NBwebKisYOoTSQrKWfkPW3JK5GEAijmEXY=";
}  // namespace

TEST(DjangoPassword, FixtureHashesFromRealDjango)
{
	EXPECT_TRUE(check_django_password("dispatch-2025!", kDispatcher));
	EXPECT_TRUE(check_django_password("inactive-pass", kFormer));
}

TEST(DjangoPassword, WrongPasswords)
{
	EXPECT_FALSE(check_django_password("dispatch-2025", kDispatcher));
	EXPECT_FALSE(check_django_password("Dispatch-2025!", kDispatcher));
	EXPECT_FALSE(check_django_password("", kDispatcher));
	EXPECT_FALSE(check_django_password("inactive-pass", kDispatcher));
}

TEST(DjangoPassword, OtherFormatsAreRefused)
{
	EXPECT_FALSE(check_django_password("x", "!unusable"));
	EXPECT_FALSE(check_django_password("x", "argon2$argon2id$v=19$m=102400,t=2,p=8$c2FsdA$aGFzaA"));
	EXPECT_FALSE(check_django_password("x", "pbkdf2_sha256$abc$salt$aGFzaA=="));
	EXPECT_FALSE(check_django_password("x", "pbkdf2_sha256$0$salt$aGFzaA=="));
	EXPECT_FALSE(check_django_password("x", "pbkdf2_sha256$999999999999$salt$aGFzaA=="));
	EXPECT_FALSE(check_django_password("x", "pbkdf2_sha256$1000$salt$***"));
	EXPECT_FALSE(check_django_password("x", "pbkdf2_sha256$1000$salt"));
	EXPECT_FALSE(check_django_password("x", ""));
}

// A stored hash is parsed before any PBKDF2 runs: an iteration count that
// would pin a core (2^31 is about 8 minutes of SHA-256 here) is refused.
TEST(DjangoPassword, IterationCountsAreBounded)
{
	auto hash = [](const std::string &iterations) {
		return "pbkdf2_sha256$" + iterations + "$salt$aGFzaA==";
	};
	ASSERT_TRUE(parse_django_hash(hash("260000")));
	EXPECT_EQ(parse_django_hash(hash("260000"))->iterations, 260000);
	EXPECT_EQ(parse_django_hash(hash("260000"))->salt, "salt");
	EXPECT_EQ(parse_django_hash(hash("260000"))->hash, "hash");
	EXPECT_EQ(parse_django_hash(hash(std::to_string(kMaxDjangoIterations)))->iterations, kMaxDjangoIterations);
	EXPECT_EQ(parse_django_hash(hash("000001"))->iterations, 1);
	EXPECT_FALSE(parse_django_hash(hash(std::to_string(kMaxDjangoIterations + 1))));
	EXPECT_FALSE(parse_django_hash(hash("2147483648")));
	EXPECT_FALSE(parse_django_hash(hash("9223372036854775807")));
	EXPECT_FALSE(parse_django_hash(hash("99999999999999999999999999999999")));
	EXPECT_FALSE(parse_django_hash(hash("-1")));
	EXPECT_FALSE(parse_django_hash(hash("+1000")));
	EXPECT_FALSE(parse_django_hash(hash("")));
	EXPECT_FALSE(check_django_password("x", hash("2147483648")));
}
