/*
 * jwt_handle.hpp
 *		Owners for what libjwt allocates: a jwt_t, and the strings it returns
 *		(freed with free()).
 */
#ifndef CALLBOARD_GATEWAY_JWT_HANDLE_HPP
#define CALLBOARD_GATEWAY_JWT_HANDLE_HPP

#include <jwt.h>

#include <cstdlib>
#include <memory>

namespace gateway {

struct JwtFree
{
	void operator()(jwt_t *jwt) const { jwt_free(jwt); }
};

struct JwtStringFree
{
	void operator()(char *s) const { std::free(s); }
};

using JwtHandle = std::unique_ptr<jwt_t, JwtFree>;
using JwtString = std::unique_ptr<char, JwtStringFree>;

}								/* namespace gateway */

#endif
