// gzip: a stream of pieces deflated on their own is one valid gzip body;
// a version's deflated event is made once and shared.
#include <gtest/gtest.h>

#include <zlib.h>

#include <string>

#include "core/gzip.hpp"
#include "live/cohorts.hpp"

using namespace gateway;

namespace {

/* The whole of a gzip body inflated, checking its trailer (CRC-32 and size); throws if it is not valid. */
std::string
gunzip(const std::string &body)
{
	z_stream	z{};
	EXPECT_EQ(inflateInit2(&z, 15 + 16), Z_OK);
	std::string out;
	char		buffer[4096];
	z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(body.data()));
	z.avail_in = static_cast<uInt>(body.size());
	int			rc;
	do
	{
		z.next_out = reinterpret_cast<Bytef *>(buffer);
		z.avail_out = sizeof(buffer);
		rc = inflate(&z, Z_NO_FLUSH);
		out.append(buffer, sizeof(buffer) - z.avail_out);
	} while (rc == Z_OK);
	bool		consumed = z.avail_in == 0;
	inflateEnd(&z);
	if (rc != Z_STREAM_END || !consumed)
		throw std::runtime_error("not one whole gzip body: " + std::to_string(rc));
	return out;
}

}								/* namespace */

TEST(Gzip, PiecesDeflatedApartMakeOneGzipBody)
{
	std::string first = "id: \"a\"\ndata: " + std::string(5000, 'x') + "\n\n";
	std::string keepalive = ": keep-alive\n\n";
	std::string second = "id: \"b\"\ndata: [1,2,3]\n\n";
	GzipTail	tail;
	std::string body(kGzipHeader);
	for (const std::string *text : {&first, &keepalive, &second})
	{
		DeflatedPiece piece = deflate_piece(*text);
		tail.add(piece);
		body += piece.bytes;
	}
	body += tail.finish();
	EXPECT_EQ(gunzip(body), first + keepalive + second);
}

TEST(Gzip, EachPieceEndsInASyncFlushSoItCanBeReadAtOnce)
{
	DeflatedPiece piece = deflate_piece("data: hello\n\n");
	ASSERT_GE(piece.bytes.size(), 4u);
	EXPECT_EQ(piece.bytes.substr(piece.bytes.size() - 4), std::string("\0\0\xff\xff", 4));
	EXPECT_EQ(piece.size, 13u);
}

TEST(Gzip, AWrongTrailerIsRefused)
{
	GzipTail	tail;
	DeflatedPiece piece = deflate_piece("data: hello\n\n");
	tail.add(piece);
	std::string body = std::string(kGzipHeader) + piece.bytes + tail.finish();
	body[body.size() - 8] ^= 1;	/* the CRC's first byte */
	EXPECT_THROW(gunzip(body), std::runtime_error);
}

TEST(Gzip, AnEmptyStreamIsValidToo)
{
	EXPECT_EQ(gunzip(std::string(kGzipHeader) + GzipTail().finish()), "");
}

TEST(Version, ItsEventBytesAreMadeOnceAndShared)
{
	Version		version(7, "[{\"id\":1}]", "\"abc\"");
	const std::string &event = version.event();
	EXPECT_EQ(event, "id: \"abc\"\ndata: [{\"id\":1}]\n\n");
	/* Every stream that asks gets the same bytes, not a copy. */
	EXPECT_EQ(version.event().data(), event.data());
	const DeflatedPiece &deflated = version.deflated_event();
	EXPECT_EQ(version.deflated_event().bytes.data(), deflated.bytes.data());
	GzipTail	tail;
	tail.add(deflated);
	EXPECT_EQ(gunzip(std::string(kGzipHeader) + deflated.bytes + tail.finish()), event);
}
