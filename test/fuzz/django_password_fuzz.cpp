/*
 * django_password_fuzz.cpp
 *		Django's stored password format: parse_django_hash(), and
 *		check_django_password() on what it accepts.
 *
 * Input: the password, a NUL, then the stored hash (no NUL: the password
 * is empty).  PBKDF2 is run only for hashes of at most kFuzzIterations: the
 * parser is what is fuzzed, not SHA-256.
 */
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "auth/django_password.hpp"
#include "core/base64.hpp"
#include "fuzz_check.hpp"

using namespace gateway;

namespace {

constexpr long kFuzzIterations = 64;

std::string b64(const std::string &in)
{
	std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
	int			n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&out[0]),
									reinterpret_cast<const unsigned char *>(in.data()), static_cast<int>(in.size()));
	out.resize(static_cast<std::size_t>(n));
	return out;
}

/* The hash Django's make_password() would store. */
std::string make_hash(const std::string &password, const std::string &salt, long iterations)
{
	unsigned char key[32];
	PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
					  reinterpret_cast<const unsigned char *>(salt.data()), static_cast<int>(salt.size()),
					  static_cast<int>(iterations), EVP_sha256(), sizeof key, key);
	return "pbkdf2_sha256$" + std::to_string(iterations) + "$" + salt + "$" +
		b64(std::string(reinterpret_cast<char *>(key), sizeof key));
}

}								/* namespace */

extern "C" int
LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
	std::string input(reinterpret_cast<const char *>(data), size);
	std::size_t nul = input.find('\0');
	std::string password = nul == std::string::npos ? "" : input.substr(0, nul);
	std::string encoded = nul == std::string::npos ? input : input.substr(nul + 1);

	auto		parsed = parse_django_hash(encoded);
	if (parsed)
	{
		FUZZ_CHECK(parsed->iterations >= 1 && parsed->iterations <= kMaxDjangoIterations);
		FUZZ_CHECK(!parsed->hash.empty());
		FUZZ_CHECK(parsed->salt.find('$') == std::string::npos);
		/* Written out again as Django writes it, it reads the same. */
		auto		again = parse_django_hash("pbkdf2_sha256$" + std::to_string(parsed->iterations) + "$" +
											  parsed->salt + "$" + b64(parsed->hash));
		FUZZ_CHECK(again && again->iterations == parsed->iterations && again->salt == parsed->salt &&
				   again->hash == parsed->hash);
		if (parsed->iterations <= kFuzzIterations)
			(void) check_django_password(password, encoded);
	}
	else
		FUZZ_CHECK(!check_django_password(password, encoded));	/* refused before any PBKDF2 */

	/* A hash made for the password with the input's salt matches it, and only it. */
	std::string salt = encoded.substr(0, encoded.find('$'));
	long		iterations = 1 + static_cast<long>(size % kFuzzIterations);
	std::string made = make_hash(password, salt, iterations);
	FUZZ_CHECK(parse_django_hash(made).has_value());
	FUZZ_CHECK(check_django_password(password, made));
	FUZZ_CHECK(!check_django_password(password + "x", made));
	return 0;
}
