/*
 * simplejwt.cpp
 *		Minting with libjwt; the jti from OpenSSL's random generator.
 */
#include "auth/simplejwt.hpp"

#include <jwt.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "hex.hpp"
#include "auth/jwt_handle.hpp"

namespace gateway {

namespace {

/* uuid.uuid4().hex */
std::string uuid4_hex()
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof b) != 1)
		throw std::runtime_error("RAND_bytes failed");
	b[6] = (b[6] & 0x0f) | 0x40;
	b[8] = (b[8] & 0x3f) | 0x80;
	char		digits[2 * sizeof b];
	for (std::size_t i = 0; i < sizeof b; i++)
		callboard::write_hex_byte(digits + 2 * i, b[i]);
	return std::string(digits, sizeof digits);
}

}								/* namespace */

std::string
mint_token(const std::string &secret, const char *token_type, std::int64_t user_id,
		   std::int64_t now, int lifetime_seconds)
{
	jwt_t	   *raw = nullptr;
	if (jwt_new(&raw) != 0)
		throw std::bad_alloc();
	JwtHandle	jwt(raw);

	if (jwt_add_grant(jwt.get(), "token_type", token_type) != 0 ||
		jwt_add_grant_int(jwt.get(), "exp", static_cast<long>(now + lifetime_seconds)) != 0 ||
		jwt_add_grant_int(jwt.get(), "iat", static_cast<long>(now)) != 0 ||
		jwt_add_grant(jwt.get(), "jti", uuid4_hex().c_str()) != 0 ||
		jwt_add_grant_int(jwt.get(), "user_id", static_cast<long>(user_id)) != 0 ||
		jwt_set_alg(jwt.get(), JWT_ALG_HS256, reinterpret_cast<const unsigned char *>(secret.data()),
					static_cast<int>(secret.size())) != 0)
		throw std::runtime_error("cannot build the token");

	JwtString	encoded(jwt_encode_str(jwt.get()));
	if (!encoded)
		throw std::runtime_error("cannot encode the token");
	return encoded.get();
}

}								/* namespace gateway */
