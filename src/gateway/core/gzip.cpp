/*
 * gzip.cpp
 *		deflate with a gzip wrapper, in one call; the Accept-Encoding test.
 */
#include "core/gzip.hpp"

#include <zlib.h>

#include <cctype>
#include <new>

namespace gateway {

std::string
gzip(std::string_view text)
{
	z_stream	z{};
	/* 15 + 16: the largest window, with a gzip header and trailer. */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		throw std::bad_alloc();
	std::string out(deflateBound(&z, text.size()), '\0');
	z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
	z.avail_in = static_cast<uInt>(text.size());
	z.next_out = reinterpret_cast<Bytef *>(out.data());
	z.avail_out = static_cast<uInt>(out.size());
	int			rc = deflate(&z, Z_FINISH);
	out.resize(z.total_out);
	deflateEnd(&z);
	if (rc != Z_STREAM_END)
		throw std::bad_alloc();
	return out;
}

const std::string_view kGzipHeader("\x1f\x8b\x08\0\0\0\0\0\0\xff", 10);

DeflatedPiece
deflate_piece(std::string_view text)
{
	z_stream	z{};
	/* -15: raw deflate (the stream's one header and trailer are written apart). */
	if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		throw std::bad_alloc();
	DeflatedPiece piece;
	/* deflateBound is for Z_FINISH; a sync flush adds at most its empty stored block. */
	piece.bytes.resize(deflateBound(&z, text.size()) + 16);
	z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(text.data()));
	z.avail_in = static_cast<uInt>(text.size());
	z.next_out = reinterpret_cast<Bytef *>(piece.bytes.data());
	z.avail_out = static_cast<uInt>(piece.bytes.size());
	int			rc = deflate(&z, Z_SYNC_FLUSH);
	bool		whole = rc == Z_OK && z.avail_in == 0 && z.avail_out > 0;
	piece.bytes.resize(z.total_out);
	deflateEnd(&z);
	if (!whole)
		throw std::bad_alloc();
	piece.crc = crc32(0L, reinterpret_cast<const Bytef *>(text.data()), static_cast<uInt>(text.size()));
	piece.size = text.size();
	return piece;
}

void
GzipTail::add(const DeflatedPiece &piece)
{
	crc_ = crc32_combine(crc_, piece.crc, static_cast<z_off_t>(piece.size));
	size_ = (size_ + piece.size) & 0xffffffffUL;
}

std::string
GzipTail::finish() const
{
	/* A final fixed-Huffman block holding nothing: what deflate(Z_FINISH) gives for no input. */
	std::string tail("\x03\x00", 2);
	for (unsigned long v : {crc_, size_})
		for (int i = 0; i < 4; i++)
			tail += static_cast<char>((v >> (8 * i)) & 0xff);
	return tail;
}

bool
accepts_gzip(std::string_view header)
{
	/* Each item: coding [; q=value]. */
	while (!header.empty())
	{
		std::size_t comma = header.find(',');
		std::string_view item = header.substr(0, comma);
		header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);

		std::size_t semi = item.find(';');
		std::string_view coding = item.substr(0, semi);
		while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.front())))
			coding.remove_prefix(1);
		while (!coding.empty() && std::isspace(static_cast<unsigned char>(coding.back())))
			coding.remove_suffix(1);
		std::string lowered;
		for (char c : coding)
			lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
		if (lowered != "gzip" && lowered != "*")
			continue;
		if (semi == std::string_view::npos)
			return true;
		std::string_view params = item.substr(semi + 1);
		std::size_t q = params.find("q=");
		if (q == std::string_view::npos)
			return true;
		std::string_view value = params.substr(q + 2);
		/* q=0, q=0.0, q=0.000: refused; anything else accepts. */
		bool		zero = !value.empty() && value.front() == '0';
		for (std::size_t i = 1; zero && i < value.size() && !std::isspace(static_cast<unsigned char>(value[i])); i++)
			zero = value[i] == '.' || value[i] == '0';
		return !zero;
	}
	return false;
}

}								/* namespace gateway */
