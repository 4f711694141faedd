/*
 * request_head.hpp
 *		What the gateway reads itself from a request's head, beyond Beast's
 *		parser: the header fields as request.headers, and which limit an
 *		oversized head broke.
 *
 * Plain functions of text, so they are unit-tested and fuzzed without a
 * socket.
 */
#ifndef CALLBOARD_GATEWAY_REQUEST_HEAD_HPP
#define CALLBOARD_GATEWAY_REQUEST_HEAD_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gateway {

using HeaderFields = std::vector<std::pair<std::string_view, std::string_view>>;

/*
 * request.headers, as PostgREST sets it: a JSON object of every field, names
 * lower-cased, repeated fields joined by ", " (in linear time: a client may
 * repeat a field thousands of times).  Invalid UTF-8 is replaced.
 */
std::string headers_json(const HeaderFields &fields);

/*
 * Whether a request refused for its head's size was refused for its
 * request line (414) rather than its header fields (431), from the bytes
 * received so far.
 */
bool		request_line_too_long(const char *data, std::size_t size, std::size_t max_uri_bytes);

}								/* namespace gateway */

#endif
