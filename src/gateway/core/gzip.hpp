/*
 * gzip.hpp
 *		A document compressed for Content-Encoding: gzip (zlib).
 */
#ifndef CALLBOARD_GATEWAY_GZIP_HPP
#define CALLBOARD_GATEWAY_GZIP_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace gateway {

/* `text` in the gzip format (RFC 1952), at zlib's default level.  Throws std::bad_alloc. */
std::string gzip(std::string_view text);

/*
 * A gzip stream without end (an event stream's body), built from pieces
 * each deflated on its own: a piece's bytes do not depend on what went
 * before, so one piece serves every stream that sends it.  The stream is
 * the header, the pieces, then, when it ends, the tail.
 */
struct DeflatedPiece
{
	std::string bytes;			/* raw deflate, from a fresh state, ending in a sync flush */
	unsigned long crc;			/* CRC-32 of the text */
	std::size_t size;			/* of the text */
};

/* The 10-byte gzip header (no name, no time). */
extern const std::string_view kGzipHeader;

/* `text` deflated on its own.  Throws std::bad_alloc. */
DeflatedPiece deflate_piece(std::string_view text);

/* What a stream of pieces has sent: enough to end it. */
class GzipTail
{
public:
	void		add(const DeflatedPiece &piece);
	/* The final empty block and the trailer (CRC-32 and size of everything sent). */
	std::string finish() const;

private:
	unsigned long crc_ = 0;
	unsigned long size_ = 0;	/* modulo 2^32, as the trailer has it */
};

/* Whether an Accept-Encoding header accepts gzip (a q of 0 refuses it). */
bool		accepts_gzip(std::string_view accept_encoding);

}								/* namespace gateway */

#endif
