/*
 * hex.hpp
 *		Bytes as lower-case hex digits: the one table that the extension
 *		(uuids, page cursors) and the gateway (token ids) write hex with.
 */
#ifndef CALLBOARD_HEX_HPP
#define CALLBOARD_HEX_HPP

namespace callboard {

constexpr char kHexDigits[] = "0123456789abcdef";

/* Writes the two digits of `byte` at `out`; returns the end. */
inline char *
write_hex_byte(char *out, unsigned char byte) noexcept
{
	out[0] = kHexDigits[byte >> 4];
	out[1] = kHexDigits[byte & 0xf];
	return out + 2;
}

}								/* namespace callboard */

#endif
