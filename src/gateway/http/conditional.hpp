/*
 * conditional.hpp
 *		Validators and content coding for a body kept in memory: a strong
 *		ETag, If-None-Match -> 304, and gzip when the client takes it.
 *
 * The compressed bytes are another representation, so they carry another
 * strong ETag (the digest with "-gzip"); If-None-Match with either means the
 * client has this document.
 */
#ifndef CALLBOARD_GATEWAY_CONDITIONAL_HPP
#define CALLBOARD_GATEWAY_CONDITIONAL_HPP

#include <functional>
#include <string>
#include <string_view>

#include "http/request.hpp"

namespace gateway {

/* The ETag of some bytes: the first 16 bytes of their SHA-256, in hex, quoted. */
std::string etag_of(std::string_view bytes);

struct Representation
{
	Reply		head;			/* 200 or 304, with ETag and Vary (and Content-Encoding) */
	const std::string *body;	/* empty for a 304 */
};

/* `gzipped` is called only when the client takes gzip and has not got the document. */
Representation represent(const Request &request, const std::string &body, const std::string &etag,
						 const std::function<const std::string &()> &gzipped);

/* Whether If-None-Match names one of the tags (weak comparison, "*" included). */
bool		none_match(const std::string &if_none_match, const std::string &etag, const std::string &gzip_etag);

}								/* namespace gateway */

#endif
