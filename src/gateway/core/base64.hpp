/*
 * base64.hpp
 *		Base64 decoding (standard and URL-safe alphabets) through OpenSSL.
 */
#ifndef CALLBOARD_GATEWAY_BASE64_HPP
#define CALLBOARD_GATEWAY_BASE64_HPP

#include <optional>
#include <string>

namespace gateway {

/* Either alphabet, padding optional; nullopt if `in` is not base64. */
std::optional<std::string> base64_decode(const std::string &in);

}								/* namespace gateway */

#endif
