/*
 * jwt_auth.cpp
 *		Token parsing and checking, in PostgREST's order (Auth/Jwt.hs).
 */
#include "auth/jwt_auth.hpp"

#include <jwt.h>

#include <cctype>
#include <cmath>

#include "auth/jwt_handle.hpp"
#include "core/base64.hpp"

namespace gateway {

namespace {

/*
 * A time claim against an instant: negative, zero or positive as the claim
 * is earlier, the same or later.  PostgREST compares them as numbers, so a
 * fraction of a second counts, and a value beyond int64 is simply far in the
 * future or the past: it is never converted to an integer it does not fit.
 * `claim` is a number and not NaN.
 */
int compare_time(const nlohmann::json &claim, std::int64_t instant)
{
	if (claim.is_number_unsigned() &&
		claim.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
		return 1;
	if (claim.is_number_integer())
	{
		std::int64_t i = claim.get<std::int64_t>();
		return (i > instant) - (i < instant);
	}
	double		d = claim.get<double>();
	/* 2^63, exactly: every int64 is below it, and at or above -2^63. */
	constexpr double kTwo63 = 9223372036854775808.0;
	if (d >= kTwo63)
		return 1;
	if (d < -kTwo63)
		return -1;
	double		whole = std::floor(d);
	std::int64_t seconds = static_cast<std::int64_t>(whole);	/* in range: checked above */
	if (seconds != instant)
		return seconds > instant ? 1 : -1;
	return d > whole ? 1 : 0;
}

/* PostgREST's time checks: claim, when it is violated, what to say. */
struct TimeRule
{
	const char *claim;
	bool		(*violated) (std::int64_t now, const nlohmann::json &value);
	const char *message;
};

const TimeRule kTimeRules[] = {
	{"exp", [](std::int64_t now, const nlohmann::json &t) { return compare_time(t, now - kAllowedSkewSeconds) < 0; },
	 "JWT expired"},
	{"nbf", [](std::int64_t now, const nlohmann::json &t) { return compare_time(t, now + kAllowedSkewSeconds) > 0; },
	 "JWT not yet valid"},
	{"iat", [](std::int64_t now, const nlohmann::json &t) { return compare_time(t, now + kAllowedSkewSeconds) > 0; },
	 "JWT issued at future"},
};

std::optional<ApiError> check_claims(const nlohmann::json &claims, const AuthConfig &config,
									 std::int64_t now)
{
	for (const TimeRule &rule : kTimeRules)
	{
		auto it = claims.find(rule.claim);
		if (it == claims.end() || it->is_null())
			continue;
		/* JSON has no NaN, but a double can hold one: it is no time either. */
		if (!it->is_number() || (it->is_number_float() && std::isnan(it->get<double>())))
			return jwt_claims_error(std::string("The JWT '") + rule.claim + "' claim must be a number");
		if (rule.violated(now, *it))
			return jwt_claims_error(rule.message);
	}
	auto aud = claims.find("aud");
	if (aud != claims.end() && !aud->is_null())
	{
		bool valid = aud->is_string();
		if (aud->is_array())
		{
			valid = true;
			for (const auto &a : *aud)
				valid = valid && a.is_string();
		}
		if (!valid)
			return jwt_claims_error("The JWT 'aud' claim must be a string or an array of strings");
		if (config.audience)
		{
			bool matches = aud->is_string() ? *aud == *config.audience : aud->empty();
			if (aud->is_array())
				for (const auto &a : *aud)
					matches = matches || a == *config.audience;
			if (!matches)
				return jwt_claims_error("JWT not in audience");
		}
	}
	return std::nullopt;
}

/* "Bearer <token>", scheme case-insensitive; nullopt for another scheme. */
std::optional<std::string> bearer_token(const std::string &header)
{
	std::size_t start = header.find_first_not_of(' ');
	if (start == std::string::npos || header.size() - start < 6)
		return std::nullopt;
	std::string scheme = header.substr(start, 6);
	for (char &c : scheme)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	if (scheme != "bearer")
		return std::nullopt;
	std::string rest = header.substr(start + 6);
	if (!rest.empty() && rest[0] != ' ')
		return std::nullopt;
	std::size_t b = rest.find_first_not_of(' ');
	std::size_t e = rest.find_last_not_of(' ');
	return b == std::string::npos ? std::string() : rest.substr(b, e - b + 1);
}

}								/* namespace */

std::variant<nlohmann::json, ApiError>
verify_token(const std::string &token, const AuthConfig &config, std::int64_t now)
{
	if (token.empty())
		return jwt_decode_error("Empty JWT is sent in Authorization header");

	std::size_t parts = 1;
	for (char c : token)
		parts += c == '.';
	if (parts != 3)
		return jwt_decode_error("Expected 3 parts in JWT; got " + std::to_string(parts));

	/* Only HMAC: refuse "none" and any algorithm the secret is not a key for. */
	auto header_text = base64_decode(token.substr(0, token.find('.')));
	nlohmann::json header = header_text ? nlohmann::json::parse(*header_text, nullptr, false)
										: nlohmann::json();
	if (!header.is_object())
		return jwt_decode_error("JWT cryptographic operation failed");
	auto alg = header.find("alg");
	std::string alg_name = alg != header.end() && alg->is_string() ? alg->get<std::string>() : "";
	if (alg_name != "HS256" && alg_name != "HS384" && alg_name != "HS512")
		return jwt_decode_error("Wrong or unsupported encoding algorithm",
								"Algorithm \"" + alg_name + "\" is not accepted: use HS256, HS384 or HS512");
	if (config.secret.empty())
		return no_jwt_secret();

	jwt_t	   *raw = nullptr;
	if (jwt_decode(&raw, token.c_str(), reinterpret_cast<const unsigned char *>(config.secret.data()),
				   static_cast<int>(config.secret.size())) != 0 || raw == nullptr)
		return jwt_decode_error("JWT cryptographic operation failed");
	JwtHandle	jwt(raw);
	if (jwt_get_alg(jwt.get()) != jwt_str_alg(alg_name.c_str()))
		return jwt_decode_error("JWT cryptographic operation failed");

	JwtString	grants(jwt_get_grants_json(jwt.get(), nullptr));
	nlohmann::json claims = grants ? nlohmann::json::parse(grants.get(), nullptr, false) : nlohmann::json();
	if (!claims.is_object())
		return jwt_claims_error("Parsing claims failed");

	if (auto error = check_claims(claims, config, now))
		return *error;
	return claims;
}

std::variant<Auth, ApiError>
authenticate(const std::optional<std::string> &authorization, const AuthConfig &config,
			 std::int64_t now, bool allow_anonymous)
{
	std::optional<std::string> token = authorization ? bearer_token(*authorization) : std::nullopt;

	if (!token)
	{
		if (!allow_anonymous || !config.anon_role)
			return token_required();
		return Auth{*config.anon_role, {{"role", *config.anon_role}}, false};
	}

	auto verified = verify_token(*token, config, now);
	if (auto *error = std::get_if<ApiError>(&verified))
		return *error;
	nlohmann::json claims = std::get<nlohmann::json>(std::move(verified));

	/* Django's refresh tokens must not open the API. */
	auto type = claims.find("token_type");
	if (type != claims.end() && *type != "access")
		return jwt_decode_error("Unsupported token type");

	std::string role;
	auto role_claim = claims.find("role");
	if (role_claim != claims.end() && !role_claim->is_null())
		role = role_claim->is_string() ? role_claim->get<std::string>() : role_claim->dump();
	else if (config.token_role)
		role = *config.token_role;
	else if (config.anon_role)
		role = *config.anon_role;
	else
		return token_required();

	claims["role"] = role;
	return Auth{role, std::move(claims), true};
}

}								/* namespace gateway */
