/*
 * live.hpp
 *		A document as Server-Sent Events: now, then after each change.
 *
 * GET (or POST) with Accept: text/event-stream on the Django path or on
 * /rpc/<document function> answers with an event stream:
 *
 *   id: "<etag>"
 *   data: <the document, exactly as the same GET returns it>
 *
 * first the document as it is, then one such event each time its bytes
 * change (cohorts.hpp: one query per change for the whole audience).  A
 * reconnecting EventSource sends Last-Event-ID; if that is the current
 * version, the first event is skipped.  A failed refresh sends
 * "event: error" with PostgREST's error JSON as data, and the stream goes
 * on.  Comments (": keep-alive") keep idle streams open through proxies.
 * The stream ends at its token's exp (the client reconnects with a fresh
 * token) and when the gateway shuts down.
 */
#ifndef CALLBOARD_GATEWAY_LIVE_HPP
#define CALLBOARD_GATEWAY_LIVE_HPP

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/asio.hpp"
#include "http/request.hpp"
#include "http/responder.hpp"
#include "live/cohorts.hpp"

namespace gateway {

/* The request asks for an event stream. */
bool		wants_event_stream(std::string_view accept);

/*
 * Serves the audience's document as an event stream until the client goes,
 * the token expires (`expires`: Unix seconds; nullopt: never) or the
 * gateway stops.
 */
awaitable<void> serve_live(const Request &request, Responder &out, Cohorts &cohorts, const Audience &audience,
						   std::optional<std::int64_t> expires, std::chrono::seconds keepalive);

}								/* namespace gateway */

#endif
