// Token checks in PostgREST's order, with its messages, and who a request runs as.
#include <gtest/gtest.h>

#include <jwt.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <string>

#include "auth/jwt_auth.hpp"
#include "auth/simplejwt.hpp"

using gateway::ApiError;
using gateway::Auth;
using gateway::AuthConfig;

namespace {

const std::string kSecret = "a-test-secret-that-is-at-least-32-chars";
const std::int64_t kNow = 1761300000;

AuthConfig settings()
{
	return AuthConfig{kSecret, std::nullopt, std::string("web_anon"), std::string("dashboard_user")};
}

std::string b64url(const std::string &in)
{
	std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
	int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&out[0]),
							reinterpret_cast<const unsigned char *>(in.data()), static_cast<int>(in.size()));
	out.resize(n);
	while (!out.empty() && out.back() == '=')
		out.pop_back();
	for (char &c : out)
		c = c == '+' ? '-' : c == '/' ? '_' : c;
	return out;
}

std::string sign(const std::string &claims_json, jwt_alg_t alg = JWT_ALG_HS256, const std::string &key = kSecret)
{
	jwt_t *jwt = nullptr;
	jwt_new(&jwt);
	jwt_add_grants_json(jwt, claims_json.c_str());
	jwt_set_alg(jwt, alg, reinterpret_cast<const unsigned char *>(key.data()), static_cast<int>(key.size()));
	char *s = jwt_encode_str(jwt);
	std::string token(s);
	std::free(s);
	jwt_free(jwt);
	return token;
}

ApiError error_of(const std::string &authorization, bool allow_anonymous = true, AuthConfig s = settings())
{
	auto r = gateway::authenticate(authorization, s, kNow, allow_anonymous);
	EXPECT_TRUE(std::holds_alternative<ApiError>(r)) << authorization;
	return std::holds_alternative<ApiError>(r) ? std::get<ApiError>(r) : ApiError{};
}

Auth auth_of(const std::optional<std::string> &authorization, bool allow_anonymous = true,
			 AuthConfig s = settings())
{
	auto r = gateway::authenticate(authorization, s, kNow, allow_anonymous);
	if (auto *e = std::get_if<ApiError>(&r))
		ADD_FAILURE() << e->code << " " << e->message;
	return std::holds_alternative<Auth>(r) ? std::get<Auth>(r) : Auth{};
}

std::string bearer(const std::string &token)
{
	return "Bearer " + token;
}

}  // namespace

TEST(Authenticate, NoTokenIsAnonymousWhereAllowed)
{
	Auth a = auth_of(std::nullopt);
	EXPECT_EQ(a.role, "web_anon");
	EXPECT_FALSE(a.authed);
	EXPECT_EQ(a.claims.dump(), R"({"role":"web_anon"})");
	// Another scheme is no token at all, as in PostgREST.
	EXPECT_EQ(auth_of(std::string("Basic dXNlcjpwdw==")).role, "web_anon");
}

TEST(Authenticate, NoTokenWhereRequiredIsPgrst302)
{
	auto r = gateway::authenticate(std::nullopt, settings(), kNow, false);
	ASSERT_TRUE(std::holds_alternative<ApiError>(r));
	EXPECT_EQ(std::get<ApiError>(r).code, "PGRST302");
	AuthConfig no_anon = settings();
	no_anon.anon_role.reset();
	auto r2 = gateway::authenticate(std::nullopt, no_anon, kNow, true);
	ASSERT_TRUE(std::holds_alternative<ApiError>(r2));
	EXPECT_EQ(std::get<ApiError>(r2).message, "Anonymous access is disabled");
}

TEST(Authenticate, MalformedTokens)
{
	EXPECT_EQ(error_of("Bearer ").message, "Empty JWT is sent in Authorization header");
	EXPECT_EQ(error_of("Bearer abc").message, "Expected 3 parts in JWT; got 1");
	EXPECT_EQ(error_of("Bearer a.b.c.d").message, "Expected 3 parts in JWT; got 4");
	EXPECT_EQ(error_of("Bearer !!.??.##").message, "JWT cryptographic operation failed");
	ApiError e = error_of("Bearer abc");
	EXPECT_EQ(e.code, "PGRST301");
	EXPECT_EQ(e.status, 401);
	EXPECT_EQ(e.headers[0].second, R"(Bearer error="invalid_token", error_description="Expected 3 parts in JWT; got 1")");
}

TEST(Authenticate, OnlyHmacAlgorithms)
{
	std::string payload = b64url(R"({"role":"dashboard_user"})");
	ApiError none = error_of(bearer(b64url(R"({"alg":"none","typ":"JWT"})") + "." + payload + "."));
	EXPECT_EQ(none.code, "PGRST301");
	EXPECT_EQ(none.message, "Wrong or unsupported encoding algorithm");
	ApiError rs = error_of(bearer(b64url(R"({"alg":"RS256","typ":"JWT"})") + "." + payload + ".c2ln"));
	EXPECT_EQ(rs.message, "Wrong or unsupported encoding algorithm");
	EXPECT_EQ(auth_of(bearer(sign(R"({"role":"dashboard_user"})", JWT_ALG_HS384))).role, "dashboard_user");
	EXPECT_EQ(auth_of(bearer(sign(R"({"role":"dashboard_user"})", JWT_ALG_HS512))).role, "dashboard_user");
}

TEST(Authenticate, BadSignatures)
{
	std::string token = sign(R"({"role":"dashboard_user"})");
	std::string tampered = token;
	tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
	EXPECT_EQ(error_of(bearer(tampered)).message, "JWT cryptographic operation failed");
	EXPECT_EQ(error_of(bearer(sign(R"({"role":"dashboard_user"})", JWT_ALG_HS256,
								   "another-secret-that-is-also-32-chars-long"))).message,
			  "JWT cryptographic operation failed");
	// A changed payload under the old signature.
	std::string forged = token.substr(0, token.find('.')) + "." + b64url(R"({"role":"postgres"})") +
		token.substr(token.rfind('.'));
	EXPECT_EQ(error_of(bearer(forged)).message, "JWT cryptographic operation failed");
}

TEST(Authenticate, TimeClaimsWithThirtySecondsOfSkew)
{
	auto at = [](const char *claim, std::int64_t t) {
		return bearer(sign(std::string(R"({"role":"dashboard_user",")") + claim + "\":" + std::to_string(t) + "}"));
	};
	EXPECT_TRUE(auth_of(at("exp", kNow - 30)).authed);
	EXPECT_EQ(error_of(at("exp", kNow - 31)).message, "JWT expired");
	EXPECT_EQ(error_of(at("exp", kNow - 31)).code, "PGRST303");
	EXPECT_TRUE(auth_of(at("nbf", kNow + 30)).authed);
	EXPECT_EQ(error_of(at("nbf", kNow + 31)).message, "JWT not yet valid");
	EXPECT_TRUE(auth_of(at("iat", kNow + 30)).authed);
	EXPECT_EQ(error_of(at("iat", kNow + 31)).message, "JWT issued at future");
	EXPECT_EQ(error_of(bearer(sign(R"({"exp":"soon"})"))).message, "The JWT 'exp' claim must be a number");
}

// PostgREST compares the time claims as numbers: a fraction of a second
// counts, and a value beyond any int64 is far future or far past, not an
// overflow (which was undefined behaviour and let such tokens through).
TEST(Authenticate, TimeClaimsThatAreHugeOrFractional)
{
	auto with = [](const std::string &claims) {
		return bearer(sign(R"({"role":"dashboard_user",)" + claims + "}"));
	};
	EXPECT_TRUE(auth_of(with(R"("exp":1e300)")).authed);
	EXPECT_TRUE(auth_of(with(R"("exp":9.3e18)")).authed);
	EXPECT_EQ(error_of(with(R"("exp":-1e300)")).message, "JWT expired");
	EXPECT_EQ(error_of(with(R"("nbf":1e300)")).message, "JWT not yet valid");
	EXPECT_EQ(error_of(with(R"("nbf":9.3e18)")).message, "JWT not yet valid");
	EXPECT_TRUE(auth_of(with(R"("nbf":-1e300)")).authed);
	EXPECT_EQ(error_of(with(R"("iat":1e300)")).message, "JWT issued at future");

	auto at = [&](const char *claim, const std::string &t) { return with("\"" + std::string(claim) + "\":" + t); };
	EXPECT_TRUE(auth_of(at("exp", std::to_string(kNow - 30) + ".0")).authed);
	EXPECT_TRUE(auth_of(at("exp", std::to_string(kNow - 30) + ".5")).authed);
	EXPECT_EQ(error_of(at("exp", std::to_string(kNow - 31) + ".5")).message, "JWT expired");
	EXPECT_TRUE(auth_of(at("exp", std::to_string(kNow - 30) + "e0")).authed);
	EXPECT_TRUE(auth_of(at("nbf", std::to_string(kNow + 30) + ".0")).authed);
	EXPECT_EQ(error_of(at("nbf", std::to_string(kNow + 30) + ".5")).message, "JWT not yet valid");
	EXPECT_EQ(error_of(at("iat", std::to_string(kNow + 30) + ".001")).message, "JWT issued at future");
	EXPECT_TRUE(auth_of(at("iat", std::to_string(kNow + 29) + ".999")).authed);
}

TEST(Authenticate, Audience)
{
	AuthConfig s = settings();
	s.audience = "callboard";
	EXPECT_TRUE(auth_of(bearer(sign(R"({"aud":"callboard"})")), true, s).authed);
	EXPECT_TRUE(auth_of(bearer(sign(R"({"aud":["x","callboard"]})")), true, s).authed);
	EXPECT_EQ(error_of(bearer(sign(R"({"aud":"other"})")), true, s).message, "JWT not in audience");
	EXPECT_EQ(error_of(bearer(sign(R"({"aud":5})")), true, s).message,
			  "The JWT 'aud' claim must be a string or an array of strings");
}

TEST(Authenticate, RoleFromClaimTokenRoleOrAnon)
{
	Auth with_role = auth_of(bearer(sign(R"({"role":"analyst","user_id":7})")));
	EXPECT_EQ(with_role.role, "analyst");
	EXPECT_TRUE(with_role.authed);
	EXPECT_EQ(with_role.claims["user_id"], 7);

	Auth simplejwt = auth_of(bearer(gateway::mint_token(kSecret, "access", 1, kNow, 300)));
	EXPECT_EQ(simplejwt.role, "dashboard_user");
	EXPECT_EQ(simplejwt.claims["role"], "dashboard_user");	// as PostgREST adds it
	EXPECT_EQ(simplejwt.claims["token_type"], "access");
	EXPECT_EQ(simplejwt.claims["user_id"], 1);

	AuthConfig no_token_role = settings();
	no_token_role.token_role.reset();
	EXPECT_EQ(auth_of(bearer(sign(R"({"user_id":1})")), true, no_token_role).role, "web_anon");
}

TEST(Authenticate, RefreshTokensDoNotOpenTheApi)
{
	ApiError e = error_of(bearer(gateway::mint_token(kSecret, "refresh", 1, kNow, 86400)));
	EXPECT_EQ(e.code, "PGRST301");
	EXPECT_EQ(e.message, "Unsupported token type");
}

TEST(SimpleJwt, MintedTokensCarrySimpleJwtClaims)
{
	auto v = gateway::verify_token(gateway::mint_token(kSecret, "access", 42, kNow, 300), settings(), kNow);
	ASSERT_TRUE(std::holds_alternative<nlohmann::json>(v));
	const auto &claims = std::get<nlohmann::json>(v);
	EXPECT_EQ(claims["token_type"], "access");
	EXPECT_EQ(claims["exp"], kNow + 300);
	EXPECT_EQ(claims["iat"], kNow);
	EXPECT_EQ(claims["user_id"], 42);
	EXPECT_EQ(claims["jti"].get<std::string>().size(), 32u);
	EXPECT_FALSE(claims.contains("role"));
	// Two tokens never share a jti.
	auto other = gateway::verify_token(gateway::mint_token(kSecret, "access", 42, kNow, 300), settings(), kNow);
	EXPECT_NE(std::get<nlohmann::json>(other)["jti"], claims["jti"]);
}
