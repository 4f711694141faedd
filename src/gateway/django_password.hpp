/*
 * django_password.hpp
 *		Checks a password against Django's stored hash,
 *		"pbkdf2_sha256$<iterations>$<salt>$<base64 hash>", as make_password()
 *		writes it.  PBKDF2 and the constant-time compare are OpenSSL's.
 */
#ifndef CALLBOARD_GATEWAY_DJANGO_PASSWORD_HPP
#define CALLBOARD_GATEWAY_DJANGO_PASSWORD_HPP

#include <string>

namespace gateway {

/* False also for hashes in another or a malformed format. */
bool		check_django_password(const std::string &password, const std::string &encoded);

/*
 * Spends the time of one check with Django's default iterations, for a
 * login whose user does not exist: the reply then takes as long either way.
 */
void		spend_password_check_time(const std::string &password);

}								/* namespace gateway */

#endif
