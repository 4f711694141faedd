/*
 * django_password.cpp
 *		Django's PBKDF2PasswordHasher, verified with OpenSSL.
 */
#include "auth/django_password.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <vector>

#include "core/base64.hpp"

namespace gateway {

namespace {

/* Django 3.2's default for pbkdf2_sha256. */
constexpr int kDjangoIterations = 260000;

std::vector<unsigned char> pbkdf2_sha256(const std::string &password, const std::string &salt,
										 int iterations, std::size_t length)
{
	std::vector<unsigned char> out(length);
	if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
						  reinterpret_cast<const unsigned char *>(salt.data()),
						  static_cast<int>(salt.size()), iterations, EVP_sha256(),
						  static_cast<int>(length), out.data()) != 1)
		out.clear();
	return out;
}

}								/* namespace */

std::optional<DjangoHash>
parse_django_hash(const std::string &encoded)
{
	std::vector<std::string> parts;
	std::size_t start = 0;
	for (std::size_t dollar; (dollar = encoded.find('$', start)) != std::string::npos; start = dollar + 1)
		parts.push_back(encoded.substr(start, dollar - start));
	parts.push_back(encoded.substr(start));
	if (parts.size() != 4 || parts[0] != "pbkdf2_sha256")
		return std::nullopt;

	/* Digit by digit, stopping before the count could overflow. */
	long		iterations = 0;
	for (char c : parts[1])
	{
		if (c < '0' || c > '9' || iterations > kMaxDjangoIterations)
			return std::nullopt;
		iterations = iterations * 10 + (c - '0');
	}
	auto hash = base64_decode(parts[3]);
	if (iterations < 1 || iterations > kMaxDjangoIterations || !hash || hash->empty())
		return std::nullopt;
	return DjangoHash{iterations, parts[2], *hash};
}

bool
check_django_password(const std::string &password, const std::string &encoded)
{
	auto stored = parse_django_hash(encoded);
	if (!stored)
		return false;
	std::vector<unsigned char> actual = pbkdf2_sha256(password, stored->salt, static_cast<int>(stored->iterations),
													  stored->hash.size());
	return actual.size() == stored->hash.size() &&
		CRYPTO_memcmp(actual.data(), stored->hash.data(), actual.size()) == 0;
}

void
spend_password_check_time(const std::string &password)
{
	(void) pbkdf2_sha256(password, "callboard-no-such-user", kDjangoIterations, 32);
}

}								/* namespace gateway */
