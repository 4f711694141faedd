/*
 * gzip.hpp
 *		A document compressed for Content-Encoding: gzip (zlib).
 */
#ifndef CALLBOARD_GATEWAY_GZIP_HPP
#define CALLBOARD_GATEWAY_GZIP_HPP

#include <string>
#include <string_view>

namespace gateway {

/* `text` in the gzip format (RFC 1952), at zlib's default level.  Throws std::bad_alloc. */
std::string gzip(std::string_view text);

/* Whether an Accept-Encoding header accepts gzip (a q of 0 refuses it). */
bool		accepts_gzip(std::string_view accept_encoding);

}								/* namespace gateway */

#endif
