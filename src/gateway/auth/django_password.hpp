/*
 * django_password.hpp
 *		Checks a password against Django's stored hash,
 *		"pbkdf2_sha256$<iterations>$<salt>$<base64 hash>", as make_password()
 *		writes it.  PBKDF2 and the constant-time compare are OpenSSL's.
 */
#ifndef CALLBOARD_GATEWAY_DJANGO_PASSWORD_HPP
#define CALLBOARD_GATEWAY_DJANGO_PASSWORD_HPP

#include <optional>
#include <string>

namespace gateway {

/*
 * The most iterations a stored hash may ask for: ten times Django 5.2's
 * default (1,000,000), about 2 s of one core.  A hash asking for more is
 * refused rather than letting each login attempt pin a core for minutes.
 */
constexpr long kMaxDjangoIterations = 10000000;

struct DjangoHash
{
	long		iterations;		/* 1..kMaxDjangoIterations */
	std::string salt;
	std::string hash;			/* decoded, not empty */
};

/* The parts of a pbkdf2_sha256 hash; nullopt for any other or a malformed one. */
std::optional<DjangoHash> parse_django_hash(const std::string &encoded);

/* False also for hashes in another or a malformed format. */
bool		check_django_password(const std::string &password, const std::string &encoded);

/*
 * Spends the time of one check with Django's default iterations, for a
 * login whose user does not exist: the reply then takes as long either way.
 */
void		spend_password_check_time(const std::string &password);

}								/* namespace gateway */

#endif
