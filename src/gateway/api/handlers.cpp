/*
 * handlers.cpp
 *		The routes' work.  Every statement is a constant with parameters.
 */
#include "api/handlers.hpp"

#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "auth/django_password.hpp"
#include "auth/simplejwt.hpp"
#include "auth/trusted_proxies.hpp"
#include "core/json_body.hpp"
#include "core/off_loop.hpp"
#include "db/sql_names.hpp"
#include "http/conditional.hpp"
#include "live/live.hpp"
#include "live/response_stream.hpp"

namespace gateway {

namespace {

std::int64_t now_seconds()
{
	return static_cast<std::int64_t>(std::time(nullptr));
}

Reply json_reply(int status, const nlohmann::ordered_json &body)
{
	Reply		reply;
	reply.status = status;
	reply.body = body.dump();
	return reply;
}

/* SimpleJWT's answers, which the dashboards' login code already handles. */
Reply no_active_account()
{
	return json_reply(401, {{"detail", "No active account found with the given credentials"}});
}

Reply token_not_valid(const char *detail)
{
	return json_reply(401, {{"detail", detail}, {"code", "token_not_valid"}});
}

/*
 * The JSON object body of an accounts route, with every field a non-empty
 * string; or the 400 Django REST framework gives (which field is missing).
 */
std::variant<nlohmann::json, Reply> string_fields(const Request &request,
												 const std::vector<const char *> &fields)
{
	auto		parsed = parse_json_body(request.body);
	nlohmann::json *body = std::get_if<nlohmann::json>(&parsed);
	if (body == nullptr || !body->is_object())
		return json_reply(400, {{"detail", "JSON parse error - the body must be a JSON object"}});
	nlohmann::ordered_json missing = nlohmann::ordered_json::object();
	for (const char *field : fields)
		if (!body->contains(field) || !(*body)[field].is_string() || (*body)[field].get<std::string>().empty())
			missing[field] = {"This field is required."};
	if (!missing.empty())
		return json_reply(400, missing);
	return std::move(*body);
}

/* The argument names a request gives, for PostgREST's answer to an unknown function. */
std::vector<std::string> argument_names(const Request &request)
{
	std::set<std::string> names;
	if (request.method == "POST")
	{
		auto		parsed = parse_json_body(request.body);
		if (auto *body = std::get_if<nlohmann::json>(&parsed); body && body->is_object())
			for (auto it = body->begin(); it != body->end(); ++it)
				names.insert(it.key());
	}
	else
		for (const auto &p : request.params)
			names.insert(p.first);
	return {names.begin(), names.end()};
}

/*
 * A function's answer, from its rows to the client as they arrive.  The
 * first row is held back: if it is the only one (a small document, a page,
 * the summary) the reply goes out whole, with a Content-Length.  A second
 * row begins a chunked response, and each row after is a chunk.  An error
 * before anything was sent is PostgREST's error reply; after, the response
 * is cut short (ResponseStream).
 */
class FunctionBody : public RowSink
{
public:
	FunctionBody(Responder &out, std::string role) : out_(out), stream_(out, std::move(role)) {}

	/* This client alone waits for the query: its hang-up stops it. */
	void		attach(std::function<void()> interrupt) override
	{
		if (interrupt)
			out_.arm_hangup(std::move(interrupt));
		else
			out_.disarm_hangup();
	}

	awaitable<bool> row(PgResult &row) override
	{
		if (!held_ && !stream_.begun())
		{
			held_ = std::move(row);
			co_return true;
		}
		if (!stream_.begun())
		{
			bool		ok = co_await stream_.begin();
			if (ok)
				ok = co_await write(held_.get());
			held_.reset();
			if (!ok)
				co_return false;
		}
		co_return co_await write(row.get());
	}

	/* The outcome of the query, after every row. */
	awaitable<void> finish(const DbOutcome &outcome)
	{
		if (stream_.begun())
			co_await stream_.end(outcome);
		else if (outcome.error)
			co_await stream_.send_error(*outcome.error);
		else if (outcome.stopped || outcome.connection_lost)
			co_return;
		else if (held_ && !PQgetisnull(held_.get(), 0, 0))
		{
			std::size_t size = static_cast<std::size_t>(PQgetlength(held_.get(), 0, 0));
			bool		ok = co_await stream_.begin(size);
			if (ok)
				ok = co_await write(held_.get());
			if (ok)
				co_await stream_.end(outcome);
		}
		else if (outcome.result && PQntuples(outcome.result.get()) == 1 &&
				 !PQgetisnull(outcome.result.get(), 0, 0))
		{
			/* Not streamed after all (single-row mode refused): the whole result. */
			const PGresult *res = outcome.result.get();
			co_await stream_.send(std::string(PQgetvalue(res, 0, 0), PQgetlength(res, 0, 0)));
		}
		else
			co_await stream_.send("null");
	}

private:
	awaitable<bool> write(const PGresult *res)
	{
		return stream_.write(PQgetvalue(res, 0, 0), static_cast<std::size_t>(PQgetlength(res, 0, 0)));
	}

	Responder  &out_;
	ResponseStream stream_;
	PgResult	held_ = adopt(nullptr);
};


/* The role login and refresh read auth_user as; "none" is SET ROLE NONE: the connecting role itself. */
std::string login_role(const Config &config)
{
	return config.callboard_login_role.value_or("none");
}

/* SimpleJWT's login answer: a refresh and an access token. */
Reply tokens_reply(const Config &config, std::int64_t user_id, const std::string &role)
{
	std::int64_t now = now_seconds();
	Reply		reply = json_reply(200, {
		{"refresh", mint_token(config.jwt_secret, "refresh", user_id, now, config.callboard_refresh_token_lifetime)},
		{"access", mint_token(config.jwt_secret, "access", user_id, now, config.callboard_access_token_lifetime)},
	});
	reply.role = role;
	return reply;
}

/* SimpleJWT's refresh answer. */
Reply access_reply(const Config &config, std::int64_t user_id, const std::string &role)
{
	Reply		reply = json_reply(200, {
		{"access", mint_token(config.jwt_secret, "access", user_id, now_seconds(),
							  config.callboard_access_token_lifetime)},
	});
	reply.role = role;
	return reply;
}

/* Django REST framework's throttling answer. */
Reply throttled(int seconds)
{
	Reply		reply = json_reply(429, {{"detail", "Request was throttled. Expected available in " +
										   std::to_string(seconds) + " second" + (seconds == 1 ? "." : "s.")}});
	reply.headers.emplace_back("Retry-After", std::to_string(seconds));
	return reply;
}

Reply no_active_account_for_token()
{
	return json_reply(401, {{"detail", "No active account found for the given token."},
							{"code", "no_active_account"}});
}

/*
 * A statement's one parameter.  (Not a braced list at the call: GCC 12
 * cannot keep an initializer_list's array in a coroutine's frame.)
 */
std::vector<std::optional<std::string>> one_param(std::string value)
{
	std::vector<std::optional<std::string>> params;
	params.emplace_back(std::move(value));
	return params;
}

const char *const kLoginSql =
	"SELECT id, password, is_active FROM auth_user WHERE email = $1 ORDER BY id";
/*
 * int8, not auth_user.id's own type: a token's user_id is any int64, and one
 * beyond an integer id must match no row (401) rather than fail the cast.
 */
const char *const kActiveUserSql =
	"SELECT is_active FROM auth_user WHERE id = $1::int8";

}								/* namespace */

Reply
error_reply(const ApiError &error)
{
	Reply		reply;
	reply.status = error.status;
	reply.body = error_body(error);
	reply.headers = error.headers;
	reply.headers.emplace_back("Proxy-Status", "callboard-gateway; error=" + error.code);
	return reply;
}

AuthConfig
auth_config(const Config &config)
{
	return AuthConfig{config.jwt_secret, config.jwt_aud, config.db_anon_role, config.callboard_token_role};
}

Handlers::Handlers(ReloadableConfig &reloadable, Database &db, Cohorts &cohorts, BlockingPool hashing)
	: config_(reloadable),
	  db_(db),
	  cohorts_(cohorts),
	  hashing_(hashing),
	  tokens_(auth_config(*reloadable.current())),
	  schema_(reloadable.current()->db_schemas.front()),
	  quoted_schema_(quote_ident(schema_)),
	  search_path_(search_path_for(*reloadable.current()))
{
}

RequestSettings
Handlers::settings_for(const Request &request, const std::string &role, const std::string &claims) const
{
	return RequestSettings{search_path_, role, claims, request.method, request.path, headers_json(request.header_fields)};
}

awaitable<void>
Handlers::legacy(const Request &request, std::string_view, Responder &out)
{
	/* The Django endpoint was IsAuthenticated: no anonymous role here. */
	std::shared_ptr<const Config> config = config_.current();
	auto		auth = tokens_.authenticate(request.authorization, auth_config(*config), now_seconds(), false);
	if (auto *error = std::get_if<ApiError>(&auth))
		co_return (void) co_await out.send(error_reply(*error));
	std::shared_ptr<const Who> who = std::get<std::shared_ptr<const Who>>(auth);
	co_await call(request, legacy_function(), legacy_args(request.params), *who, out);
}

awaitable<void>
Handlers::rpc(const Request &request, std::string_view rpc_name, Responder &out)
{
	std::string name(rpc_name);
	std::shared_ptr<const Config> config = config_.current();
	auto		auth = tokens_.authenticate(request.authorization, auth_config(*config), now_seconds(), true);
	if (auto *error = std::get_if<ApiError>(&auth))
		co_return (void) co_await out.send(error_reply(*error));
	std::shared_ptr<const Who> who = std::get<std::shared_ptr<const Who>>(auth);

	const RpcFunction *function = find_rpc_function(name);
	if (function == nullptr)
		co_return (void) co_await out.send(error_reply(no_rpc(schema_, name, argument_names(request),
															   request.method == "POST",
															   legacy_function().signature())));
	/* Named, not a conditional temporary: GCC 12 destroys those twice inside co_await. */
	std::variant<RpcArgs, ApiError> args = request.method == "POST"
		? rpc_body_args(request.body, schema_, *function)
		: rpc_query_args(request.params, schema_, *function);
	co_await call(request, *function, args, *who, out);
}

awaitable<void>
Handlers::call(const Request &request, const RpcFunction &function,
			   const std::variant<RpcArgs, ApiError> &args, const Who &who, Responder &out)
{
	if (auto *error = std::get_if<ApiError>(&args))
	{
		Reply		reply = error_reply(*error);
		reply.role = who.auth.role;
		co_return (void) co_await out.send(reply);
	}
	std::shared_ptr<const Config> config = config_.current();
	const Audience audience = make_audience(function, std::get<RpcArgs>(args), who, request,
											config->callboard_cohort_headers);
	if (wants_event_stream(request.accept) && !request.head)
	{
		co_return co_await serve_live(request, out, cohorts_, audience, who.expires,
									  std::chrono::seconds(config->callboard_live_keepalive));
	}
	co_await document(request, audience, out);
}

awaitable<void>
Handlers::document(const Request &request, const Audience &audience, Responder &out)
{
	Built		built = co_await cohorts_.get(audience, &out);
	if (built.streamed)
		co_return;
	if (built.stopped)
		co_return out.abort("the client went away before the answer");
	if (built.too_large)
		co_return co_await stream(audience, out);
	if (built.error)
	{
		Reply		reply = error_reply(*built.error);
		reply.role = audience.role;
		co_return (void) co_await out.send(reply);
	}

	/* The version stays alive in this frame while its bytes are written. */
	std::shared_ptr<const Version> version = built.version;
	Representation chosen = represent(request, version->body(), version->etag(),
									  [&version]() -> const std::string & { return version->gzipped(); });
	chosen.head.role = audience.role;
	chosen.head.headers.emplace_back("Cache-Control", "private, no-cache");
	if (chosen.head.status == 304)
		co_return (void) co_await out.send(chosen.head);
	if (!co_await out.begin(chosen.head, chosen.body->size()))
		co_return;
	if (co_await out.write(chosen.body->data(), chosen.body->size()))
		co_await out.end();
}

/* Too large to keep: from the database to the client as it comes, without an ETag. */
awaitable<void>
Handlers::stream(const Audience &audience, Responder &out)
{
	FunctionBody body(out, audience.role);
	RequestSettings settings = document_settings(search_path_, audience);
	std::string sql = rpc_sql(quoted_schema_, *audience.function, audience.args);
	Params		params = rpc_values(audience.args);
	DbOutcome	outcome = co_await db_.run(settings, sql, params, audience.authed, &body, nullptr);
	co_await body.finish(outcome);
}

awaitable<void>
Handlers::login(const Request &request, std::string_view, Responder &out)
{
	static const std::vector<const char *> kFields = {"email", "password"};
	auto		fields = string_fields(request, kFields);
	if (auto *reply = std::get_if<Reply>(&fields))
		co_return (void) co_await out.send(*reply);
	const std::string email = std::get<nlohmann::json>(fields)["email"];
	const std::string password = std::get<nlohmann::json>(fields)["password"];
	std::shared_ptr<const Config> config = config_.current();
	const std::string role = login_role(*config);

	/* Each attempt costs a core for a while: bounded per client and in all. */
	std::string client = TrustedProxies(config->callboard_trusted_proxies).client(request.remote, request.header_fields);
	if (int wait = logins_.admit(client, config->callboard_login_attempts_per_minute,
								 config->callboard_login_concurrency))
		co_return (void) co_await out.send(throttled(wait));
	struct Admitted
	{
		LoginLimiter &limiter;
		~Admitted() { limiter.done(); }
	}			admitted{logins_};

	DbOutcome	outcome = co_await db_.run(settings_for(request, role, "{}"), kLoginSql, one_param(email),
									   false, nullptr, &out);
	if (outcome.error)
		co_return (void) co_await out.send(error_reply(*outcome.error));
	if (!outcome.result)
		co_return;				/* the client went away */

	/* PBKDF2 takes a core for a while: on the hashing pool, off the loop. */
	const PGresult *res = outcome.result.get();
	std::optional<std::int64_t> user_id = co_await off_loop(hashing_, [res, &password] {
		std::optional<std::int64_t> id;
		for (int row = 0; row < PQntuples(res) && !id; row++)
		{
			bool		matches = check_django_password(password, PQgetvalue(res, row, 1));
			if (matches && std::string(PQgetvalue(res, row, 2)) == "t")
				id = std::stoll(PQgetvalue(res, row, 0));
		}
		if (PQntuples(res) == 0)
			spend_password_check_time(password);
		return id;
	});
	if (!user_id)
		co_return (void) co_await out.send(no_active_account());

	co_await out.send(tokens_reply(*config, *user_id, role));
}

awaitable<void>
Handlers::refresh(const Request &request, std::string_view, Responder &out)
{
	static const std::vector<const char *> kFields = {"refresh"};
	auto		fields = string_fields(request, kFields);
	if (auto *reply = std::get_if<Reply>(&fields))
		co_return (void) co_await out.send(*reply);

	std::shared_ptr<const Config> config = config_.current();
	const std::string role = login_role(*config);
	auto		verified = verify_token(std::get<nlohmann::json>(fields)["refresh"], auth_config(*config),
										now_seconds());
	if (std::holds_alternative<ApiError>(verified))
		co_return (void) co_await out.send(token_not_valid("Token is invalid or expired"));
	const nlohmann::json &claims = std::get<nlohmann::json>(verified);
	if (claims.value("token_type", "") != "refresh")
		co_return (void) co_await out.send(token_not_valid("Token has wrong type"));
	auto		user = claims.find("user_id");
	if (user == claims.end() || !user->is_number_integer())
		co_return (void) co_await out.send(token_not_valid("Token contained no recognizable user identification"));

	/* A user deactivated since login gets no new access token. */
	DbOutcome	outcome = co_await db_.run(settings_for(request, role, "{}"), kActiveUserSql,
									   one_param(std::to_string(user->get<std::int64_t>())), false, nullptr, &out);
	if (outcome.error)
		co_return (void) co_await out.send(error_reply(*outcome.error));
	if (!outcome.result)
		co_return;
	const PGresult *res = outcome.result.get();
	if (PQntuples(res) != 1 || std::string(PQgetvalue(res, 0, 0)) != "t")
		co_return (void) co_await out.send(no_active_account_for_token());
	co_await out.send(access_reply(*config, user->get<std::int64_t>(), role));
}

awaitable<void>
Handlers::liveness(const Request &, std::string_view, Responder &out)
{
	Reply		reply;
	reply.content_type = "text/plain";
	co_await out.send(reply);
}

awaitable<void>
Handlers::readiness(const Request &, std::string_view, Responder &out)
{
	Reply		reply;
	reply.content_type = "text/plain";
	RequestSettings settings{search_path_, "none", "{}", "GET", "/ready", "{}"};
	std::vector<std::optional<std::string>> no_params;
	DbOutcome	outcome = co_await db_.run(settings, "SELECT 1", no_params, false, nullptr, &out);
	if (outcome.error)
	{
		reply.status = 503;
		reply.body = "database unreachable";
		for (const auto &h : outcome.error->headers)
			if (h.first == "Retry-After")
				reply.headers.push_back(h);
	}
	co_await out.send(reply);
}

}								/* namespace gateway */
