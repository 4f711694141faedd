// Django's pbkdf2_sha256 hashes: the fixture's two users, made by real Django.
#include <gtest/gtest.h>

#include "django_password.hpp"

using gateway::check_django_password;

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
