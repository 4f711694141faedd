/*
 * http_server.cpp
 *		HTTP in, Reply out.
 *
 * Routes:
 *   GET  /api/hume-twilio/dashboard/outbound/scheduled/   the Django path (token required)
 *   GET  /rpc/<function>?arg=...                          as PostgREST serves callboard's
 *   POST /rpc/<function>  {"arg": ...}                    functions (call_args.cpp)
 *   POST /api/accounts/login/, /api/accounts/token/refresh/
 *   GET  /live, /ready
 * Other methods on these paths are 405; other paths 404.
 */
#include "http_server.hpp"

#include <cctype>
#include <chrono>

#include <nlohmann/json.hpp>

namespace gateway {

namespace {

constexpr const char *kLegacyPath = R"(/api/hume-twilio/dashboard/outbound/scheduled/?)";
constexpr const char *kRpcPath = R"(/rpc/([^/]+))";
constexpr const char *kLoginPath = R"(/api/accounts/login/?)";
constexpr const char *kRefreshPath = R"(/api/accounts/token/refresh/?)";

/* Start of the request being served by this worker, for the access log. */
thread_local std::chrono::steady_clock::time_point request_start;
thread_local std::string request_role;

std::string lower(std::string s)
{
	for (char &c : s)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return s;
}

Request to_request(const httplib::Request &req)
{
	Request		r;
	r.method = req.method;
	r.path = req.path;
	r.params = req.params;
	if (req.has_header("Authorization"))
		r.authorization = req.get_header_value("Authorization");
	nlohmann::json headers = nlohmann::json::object();
	for (const auto &h : req.headers)
	{
		std::string name = lower(h.first);
		/* cpp-httplib files the socket's addresses among the headers. */
		if (name == "local_addr" || name == "local_port" || name == "remote_addr" || name == "remote_port")
			continue;
		if (headers.contains(name))
			headers[name] = headers[name].get<std::string>() + ", " + h.second;
		else
			headers[name] = h.second;
	}
	r.headers_json = headers.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
	r.body = req.body;
	return r;
}

void send(httplib::Response &res, const Reply &reply)
{
	res.status = reply.status;
	for (const auto &h : reply.headers)
		res.set_header(h.first.c_str(), h.second);
	res.set_header("Server", "callboard-gateway");
	if (reply.result)
	{
		/*
		 * One copy, from libpq's buffer into the response.  (A content
		 * provider would save it, but cpp-httplib stops calling providers
		 * once the server is stopping, which would cut in-flight responses
		 * short on SIGTERM.)
		 */
		res.set_content(PQgetvalue(reply.result.get(), 0, 0), PQgetlength(reply.result.get(), 0, 0),
						reply.content_type);
	}
	else if (!reply.body.empty() || reply.status != 200)
		res.set_content(reply.body, reply.content_type.c_str());
	request_role = reply.role;
}

/* Errors cpp-httplib raises itself, before any handler ran. */
ApiError transport_error(int status, const Config &config)
{
	switch (status)
	{
		case 404:
			return invalid_path();
		case 413:
			return ApiError{413, "HTTP413", "Request body too large",
							"The limit is " + std::to_string(config.callboard_max_body_bytes) + " bytes.",
							std::nullopt, {}};
		case 414:
			return ApiError{414, "HTTP414", "Request URI too long", std::nullopt, std::nullopt, {}};
		case 431:
			return ApiError{431, "HTTP431", "Request header fields too large", std::nullopt, std::nullopt, {}};
		case 408:
			return ApiError{408, "HTTP408", "Request timeout", std::nullopt, std::nullopt, {}};
		default:
			return ApiError{status, "HTTP" + std::to_string(status), "Malformed request",
							std::nullopt, std::nullopt, {}};
	}
}

}								/* namespace */

void
configure_server(httplib::Server &server, Handlers &handlers, const Config &config,
				 const CorsPolicy &cors, const AccessLog &log)
{
	const int	threads = config.callboard_server_threads;
	server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
	server.set_read_timeout(config.callboard_request_timeout, 0);
	server.set_write_timeout(config.callboard_request_timeout, 0);
	server.set_keep_alive_timeout(5);
	server.set_keep_alive_max_count(1000);
	server.set_payload_max_length(config.callboard_max_body_bytes);
	server.set_tcp_nodelay(true);

	/* Every request: note the start, answer CORS preflights, add CORS headers. */
	server.set_pre_routing_handler([&cors](const httplib::Request &req, httplib::Response &res) {
		request_start = std::chrono::steady_clock::now();
		request_role.clear();
		if (!req.has_header("Origin"))
			return httplib::Server::HandlerResponse::Unhandled;
		std::string origin = req.get_header_value("Origin");
		bool		preflight = req.method == "OPTIONS" && req.has_header("Access-Control-Request-Method");
		if (!cors.allows(origin))
		{
			if (!preflight)
				return httplib::Server::HandlerResponse::Unhandled;
			send(res, error_reply(ApiError{403, "HTTP403", "Origin not allowed",
										   "Add it to server-cors-allowed-origins.", std::nullopt, {}}));
			return httplib::Server::HandlerResponse::Handled;
		}
		if (preflight)
		{
			Reply		reply;
			reply.headers = cors.preflight_headers(origin, req.get_header_value("Access-Control-Request-Headers"));
			reply.content_type = "text/plain";
			send(res, reply);
			return httplib::Server::HandlerResponse::Handled;
		}
		for (const auto &h : cors.response_headers(origin))
			res.set_header(h.first.c_str(), h.second);
		return httplib::Server::HandlerResponse::Unhandled;
	});

	auto route = [&server](const char *pattern, const char *allow, httplib::Server::Handler get,
						   httplib::Server::Handler post) {
		auto not_allowed = [allow](const httplib::Request &req, httplib::Response &res) {
			bool		rpc = req.path.rfind("/rpc/", 0) == 0;
			send(res, error_reply(rpc ? invalid_rpc_method(req.method) : unsupported_method(req.method, allow)));
		};
		auto options = [allow](const httplib::Request &, httplib::Response &res) {
			Reply		reply;
			reply.headers.emplace_back("Allow", allow);
			reply.content_type = "text/plain";
			send(res, reply);
		};
		server.Get(pattern, get ? get : not_allowed);
		server.Post(pattern, post ? post : not_allowed);
		server.Put(pattern, not_allowed);
		server.Patch(pattern, not_allowed);
		server.Delete(pattern, not_allowed);
		server.Options(pattern, options);
	};

	route(kLegacyPath, "GET, HEAD, OPTIONS", [&handlers](const httplib::Request &req, httplib::Response &res) {
		send(res, handlers.legacy(to_request(req)));
	}, nullptr);
	auto rpc = [&handlers](const httplib::Request &req, httplib::Response &res) {
		send(res, handlers.rpc(to_request(req), req.matches[1]));
	};
	route(kRpcPath, "GET, HEAD, POST, OPTIONS", rpc, rpc);

	route(kLoginPath, "POST, OPTIONS", nullptr, [&handlers](const httplib::Request &req, httplib::Response &res) {
		send(res, handlers.login(to_request(req)));
	});
	route(kRefreshPath, "POST, OPTIONS", nullptr, [&handlers](const httplib::Request &req, httplib::Response &res) {
		send(res, handlers.refresh(to_request(req)));
	});
	server.Get("/live", [&handlers](const httplib::Request &, httplib::Response &res) {
		send(res, handlers.live());
	});
	server.Get("/ready", [&handlers](const httplib::Request &, httplib::Response &res) {
		send(res, handlers.ready());
	});

	/* Unknown paths and cpp-httplib's own rejections get a JSON body too. */
	server.set_error_handler(httplib::Server::HandlerWithResponse(
		[&config](const httplib::Request &, httplib::Response &res) {
			if (!res.body.empty())
				return httplib::Server::HandlerResponse::Unhandled;
			send(res, error_reply(transport_error(res.status, config)));
			return httplib::Server::HandlerResponse::Handled;
		}));

	/* A C++ exception in a handler: 500, never a dropped connection. */
	server.set_exception_handler([](const httplib::Request &, httplib::Response &res, std::exception_ptr ep) {
		std::string what = "unknown error";
		try
		{
			std::rethrow_exception(ep);
		}
		catch (const std::exception &e)
		{
			what = e.what();
		}
		catch (...)
		{
		}
		send(res, error_reply(ApiError{500, "HTTP500", "Internal server error", what, std::nullopt, {}}));
	});

	server.set_logger([&log](const httplib::Request &req, const httplib::Response &res) {
		auto elapsed = std::chrono::steady_clock::now() - request_start;
		log.write(AccessRecord{req.remote_addr, req.method, req.path, res.status, res.body.size(),
							   std::chrono::duration<double, std::milli>(elapsed).count(), request_role});
	});
}

}								/* namespace gateway */
