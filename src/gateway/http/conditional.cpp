/*
 * conditional.cpp
 *		If-None-Match, ETags per representation, Accept-Encoding.
 */
#include "http/conditional.hpp"

#include <openssl/evp.h>

#include "hex.hpp"
#include "core/gzip.hpp"

namespace gateway {

std::string
etag_of(std::string_view bytes)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int length = 0;
	EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
	/* A quoted strong ETag: the first 16 bytes of the SHA-256, as hex. */
	char		tag[2 + 32];
	char	   *out = tag;
	*out++ = '"';
	for (int i = 0; i < 16; i++)
		out = callboard::write_hex_byte(out, digest[i]);
	*out = '"';
	return std::string(tag, sizeof(tag));
}

bool
none_match(const std::string &header, const std::string &etag, const std::string &gzip_etag)
{
	std::size_t start = 0;
	while (start < header.size())
	{
		std::size_t comma = header.find(',', start);
		std::string tag = header.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
		start = comma == std::string::npos ? header.size() : comma + 1;
		std::size_t b = tag.find_first_not_of(" \t"), e = tag.find_last_not_of(" \t");
		if (b == std::string::npos)
			continue;
		tag = tag.substr(b, e - b + 1);
		if (tag.rfind("W/", 0) == 0)
			tag = tag.substr(2);
		if (tag == "*" || tag == etag || tag == gzip_etag)
			return true;
	}
	return false;
}

Representation
represent(const Request &request, const std::string &body, const std::string &etag,
		  const std::function<const std::string &()> &gzipped)
{
	static const std::string empty;
	std::string gzip_etag = etag.substr(0, etag.size() - 1) + "-gzip\"";
	bool		compress = accepts_gzip(request.accept_encoding);
	Representation r{Reply{}, &body};
	r.head.headers = {{"Vary", "Accept-Encoding"}};
	if (none_match(request.if_none_match, etag, gzip_etag))
	{
		r.head.status = 304;
		r.head.headers.emplace_back("ETag", compress ? gzip_etag : etag);
		r.body = &empty;
		return r;
	}
	if (compress)
	{
		r.head.headers.emplace_back("Content-Encoding", "gzip");
		r.head.headers.emplace_back("ETag", gzip_etag);
		r.body = &gzipped();
	}
	else
		r.head.headers.emplace_back("ETag", etag);
	return r;
}

}								/* namespace gateway */
