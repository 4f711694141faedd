/*
 * jwt_auth_fuzz.cpp
 *		Token parsing and claim checks: verify_token() and authenticate(),
 *		with a fixed secret.
 *
 * Random bytes almost never carry a valid signature, so most inputs are
 * signed here first and reach the claim checks.  The first byte chooses:
 *   % 4 == 0  the rest is an Authorization header, as sent;
 *   % 4 == 1  the rest is the claims JSON, signed by libjwt (HS256/384/512);
 *   % 4 == 2  the rest is the payload's bytes, signed with HS256 as they are;
 *   % 4 == 3  the rest is the JOSE header's bytes, over a fixed payload.
 * Bit 0x10 sets jwt-aud.
 */
#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "auth/jwt_auth.hpp"
#include "auth/jwt_handle.hpp"
#include "fuzz_check.hpp"

using namespace gateway;

namespace {

const std::string kSecret = "callboard-fuzz-secret-0123456789-abcdefghij";
constexpr std::int64_t kNow = 1761300000;
constexpr double kSkew = 30;

std::string b64url(const std::string &in)
{
	std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
	int			n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&out[0]),
									reinterpret_cast<const unsigned char *>(in.data()), static_cast<int>(in.size()));
	out.resize(static_cast<std::size_t>(n));
	while (!out.empty() && out.back() == '=')
		out.pop_back();
	for (char &c : out)
		c = c == '+' ? '-' : c == '/' ? '_' : c;
	return out;
}

/* header.payload.signature, signed with HS256 over the bytes as given. */
std::string sign_raw(const std::string &header, const std::string &payload)
{
	std::string signing_input = b64url(header) + "." + b64url(payload);
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int mac_len = 0;
	HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
		 reinterpret_cast<const unsigned char *>(signing_input.data()), signing_input.size(), mac, &mac_len);
	return signing_input + "." + b64url(std::string(reinterpret_cast<char *>(mac), mac_len));
}

/* The token libjwt makes of these claims, and the claims as it will read them back. */
std::optional<std::pair<std::string, nlohmann::json>> sign_claims(const std::string &claims, jwt_alg_t alg)
{
	jwt_t	   *raw = nullptr;
	if (jwt_new(&raw) != 0)
		return std::nullopt;
	JwtHandle	jwt(raw);
	if (jwt_add_grants_json(jwt.get(), claims.c_str()) != 0 ||
		jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char *>(kSecret.data()),
					static_cast<int>(kSecret.size())) != 0)
		return std::nullopt;
	JwtString	token(jwt_encode_str(jwt.get()));
	JwtString	grants(jwt_get_grants_json(jwt.get(), nullptr));
	if (!token || !grants)
		return std::nullopt;
	return std::make_pair(std::string(token.get()), nlohmann::json::parse(grants.get()));
}

/*
 * The time rule a token's claims break, by a plain reading of PostgREST's
 * rules in doubles (exact near kNow), or nullopt.
 */
std::optional<std::string> broken_time_rule(const nlohmann::json &claims)
{
	struct Rule { const char *claim; int sign; const char *message; };
	for (Rule rule : {Rule{"exp", -1, "JWT expired"}, Rule{"nbf", 1, "JWT not yet valid"},
					  Rule{"iat", 1, "JWT issued at future"}})
	{
		auto		it = claims.find(rule.claim);
		if (it == claims.end() || it->is_null())
			continue;
		if (!it->is_number())
			return std::string("The JWT '") + rule.claim + "' claim must be a number";
		double		t = it->get<double>();
		if (rule.sign < 0 ? t < kNow - kSkew : t > kNow + kSkew)
			return std::string(rule.message);
	}
	return std::nullopt;
}

AuthConfig settings(bool audience)
{
	AuthConfig s{kSecret, std::nullopt, std::string("web_anon"), std::string("dashboard_user")};
	if (audience)
		s.audience = "callboard";
	return s;
}

/* authenticate() on a token: whatever it returns is consistent with verify_token(). */
void check_authenticate(const std::string &token, const AuthConfig &s)
{
	auto		verified = verify_token(token, s, kNow);
	for (bool allow_anonymous : {false, true})
	{
		auto		result = authenticate("Bearer " + token, s, kNow, allow_anonymous);
		if (auto *auth = std::get_if<Auth>(&result))
		{
			FUZZ_CHECK(std::holds_alternative<nlohmann::json>(verified));
			FUZZ_CHECK(auth->authed);
			FUZZ_CHECK(auth->claims.is_object());
			FUZZ_CHECK(auth->claims["role"] == auth->role);
			auto		type = auth->claims.find("token_type");
			FUZZ_CHECK(type == auth->claims.end() || *type == "access");
		}
		else
		{
			const ApiError &e = std::get<ApiError>(result);
			FUZZ_CHECK(e.status == 401 || e.status == 500);
			FUZZ_CHECK(e.code == "PGRST301" || e.code == "PGRST302" || e.code == "PGRST303");
		}
	}
}

/* A token signed with the secret: its time claims are judged as the rules say. */
void check_signed(const std::string &token, const std::optional<nlohmann::json> &claims, const AuthConfig &s)
{
	auto		verified = verify_token(token, s, kNow);
	if (auto *accepted = std::get_if<nlohmann::json>(&verified))
	{
		FUZZ_CHECK(accepted->is_object());
		FUZZ_CHECK(!broken_time_rule(*accepted));
		if (claims)
			FUZZ_CHECK(*accepted == *claims);
	}
	else if (claims && claims->is_object())
	{
		/* Refused for time only if a rule is broken, and for the first one broken. */
		const ApiError &e = std::get<ApiError>(verified);
		auto		broken = broken_time_rule(*claims);
		if (broken)
			FUZZ_CHECK(e.message == *broken);
		else
			FUZZ_CHECK(e.message != "JWT expired" && e.message != "JWT not yet valid" &&
					   e.message != "JWT issued at future" &&
					   e.message.find("' claim must be a number") == std::string::npos);
	}
	check_authenticate(token, s);
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	if (size < 1)
		return 0;
	const std::uint8_t mode = data[0];
	const std::string rest(reinterpret_cast<const char *>(data + 1), size - 1);
	const AuthConfig s = settings(mode & 0x10);

	switch (mode % 4)
	{
		case 0:
			{
				auto		result = authenticate(rest, s, kNow, mode & 0x20);
				if (auto *auth = std::get_if<Auth>(&result))
					FUZZ_CHECK(auth->claims["role"] == auth->role);
				(void) verify_token(rest, s, kNow);
				break;
			}
		case 1:
			{
				static const jwt_alg_t algs[] = {JWT_ALG_HS256, JWT_ALG_HS384, JWT_ALG_HS512};
				/* libjwt reads C strings: the claims end at a NUL. */
				auto		made = sign_claims(rest.c_str(), algs[(mode >> 2) % 3]);
				if (made)
					check_signed(made->first, made->second, s);
				break;
			}
		case 2:
			check_signed(sign_raw(R"({"alg":"HS256","typ":"JWT"})", rest), std::nullopt, s);
			break;
		case 3:
			{
				std::string token = sign_raw(rest, R"({"role":"dashboard_user","exp":1761300100})");
				auto		verified = verify_token(token, s, kNow);
				if (std::holds_alternative<nlohmann::json>(verified))
				{
					/* Accepted only under the algorithm it was signed with. */
					nlohmann::json header = nlohmann::json::parse(rest, nullptr, false);
					FUZZ_CHECK(header.is_object() && header.value("alg", "") == "HS256");
				}
				check_authenticate(token, s);
				break;
			}
	}
	return 0;
}
