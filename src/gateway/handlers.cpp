/*
 * handlers.cpp
 *		The routes' work.  Every statement is a constant with parameters.
 */
#include "handlers.hpp"

#include <ctime>
#include <set>

#include <nlohmann/json.hpp>

#include "django_password.hpp"
#include "simplejwt.hpp"

namespace gateway {

namespace {

/* A PostgreSQL identifier, quoted (the names come from the configuration). */
std::string quote_ident(const std::string &name)
{
	std::string out = "\"";
	for (char c : name)
		out += c == '"' ? std::string("\"\"") : std::string(1, c);
	return out + "\"";
}

std::string search_path_for(const Config &config)
{
	std::string path = quote_ident(config.db_schemas.front());
	std::string extra = config.db_extra_search_path;
	std::size_t start = 0;
	while (start <= extra.size())
	{
		std::size_t comma = extra.find(',', start);
		std::string item = extra.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
		std::size_t b = item.find_first_not_of(' '), e = item.find_last_not_of(' ');
		if (b != std::string::npos)
			path += ", " + quote_ident(item.substr(b, e - b + 1));
		if (comma == std::string::npos)
			break;
		start = comma + 1;
	}
	return path;
}

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
												 std::initializer_list<const char *> fields)
{
	nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
	if (!body.is_object())
		return json_reply(400, {{"detail", "JSON parse error - the body must be a JSON object"}});
	nlohmann::ordered_json missing = nlohmann::ordered_json::object();
	for (const char *field : fields)
		if (!body.contains(field) || !body[field].is_string() || body[field].get<std::string>().empty())
			missing[field] = {"This field is required."};
	if (!missing.empty())
		return json_reply(400, missing);
	return body;
}

/* The argument names a request gives, for PostgREST's answer to an unknown function. */
std::vector<std::string> argument_names(const Request &request)
{
	std::set<std::string> names;
	if (request.method == "POST")
	{
		nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
		if (body.is_object())
			for (auto it = body.begin(); it != body.end(); ++it)
				names.insert(it.key());
	}
	else
		for (const auto &p : request.params)
			names.insert(p.first);
	return {names.begin(), names.end()};
}

const char *const kLoginSql =
	"SELECT id, password, is_active FROM auth_user WHERE email = $1 ORDER BY id";
const char *const kActiveUserSql =
	"SELECT is_active FROM auth_user WHERE id = $1";

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

Handlers::Handlers(const Config &config)
	: config_(config),
	  pools_(config.db_uris, config.db_pool, std::chrono::seconds(config.db_pool_acquisition_timeout)),
	  auth_{config.jwt_secret, config.jwt_aud, config.db_anon_role, config.callboard_token_role},
	  schema_(config.db_schemas.front()),
	  quoted_schema_(quote_ident(schema_)),
	  search_path_(search_path_for(config)),
	  /* "none" is SET ROLE NONE: the connecting role itself. */
	  login_role_(config.callboard_login_role.value_or("none"))
{
}

RequestSettings
Handlers::settings_for(const Request &request, const std::string &role, const std::string &claims) const
{
	return RequestSettings{search_path_, role, claims, request.method, request.path, request.headers_json};
}

DbOutcome
Handlers::run(const RequestSettings &settings, const std::string &sql,
			  const std::vector<std::optional<std::string>> &params, bool authed)
{
	for (int attempt = 0;; attempt++)
	{
		auto acquired = pools_.acquire();
		if (auto *error = std::get_if<ApiError>(&acquired))
		{
			DbOutcome	outcome;
			outcome.error = *error;
			return outcome;
		}
		Lease		lease = std::get<Lease>(std::move(acquired));
		DbOutcome	outcome = run_request(lease.get(), settings, sql, params, authed);
		if (!outcome.connection_lost)
			return outcome;

		/*
		 * A pooled connection can die with its server (a restart): the
		 * request only reads, so it is safe to try once more on a new one.
		 */
		std::string message = PQerrorMessage(lease.get());
		lease.discard();
		if (attempt == 0)
			continue;
		outcome.error = client_error(message, pools_.retry_after());
		return outcome;
	}
}

Reply
Handlers::legacy(const Request &request)
{
	/* The Django endpoint was IsAuthenticated: no anonymous role here. */
	auto auth = authenticate(request.authorization, auth_, now_seconds(), false);
	if (auto *error = std::get_if<ApiError>(&auth))
		return error_reply(*error);
	return call(request, rpc_functions().front(), legacy_args(request.params), std::get<Auth>(auth));
}

Reply
Handlers::rpc(const Request &request, const std::string &name)
{
	auto auth = authenticate(request.authorization, auth_, now_seconds(), true);
	if (auto *error = std::get_if<ApiError>(&auth))
		return error_reply(*error);

	const RpcFunction *function = find_rpc_function(name);
	if (function == nullptr)
		return error_reply(no_rpc(schema_, name, argument_names(request), request.method == "POST",
								  rpc_functions().front().signature()));
	return call(request, *function,
				request.method == "POST" ? rpc_body_args(request.body, schema_, *function)
				: rpc_query_args(request.params, schema_, *function),
				std::get<Auth>(auth));
}

Reply
Handlers::call(const Request &request, const RpcFunction &function,
			   const std::variant<RpcArgs, ApiError> &args, const Auth &who)
{
	if (auto *error = std::get_if<ApiError>(&args))
		return error_reply(*error);
	const RpcArgs &given = std::get<RpcArgs>(args);

	DbOutcome	outcome = run(settings_for(request, who.role, who.claims.dump()),
							  rpc_sql(quoted_schema_, function, given), rpc_values(given), who.authed);
	if (outcome.error)
	{
		Reply		reply = error_reply(*outcome.error);
		reply.role = who.role;
		return reply;
	}

	Reply		reply;
	const PGresult *res = outcome.result.get();
	if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0))
		reply.result = std::shared_ptr<PGresult>(outcome.result.release(), PQclear);
	else
		reply.body = "null";
	reply.role = who.role;
	return reply;
}

Reply
Handlers::login(const Request &request)
{
	auto fields = string_fields(request, {"email", "password"});
	if (auto *reply = std::get_if<Reply>(&fields))
		return *reply;
	const std::string email = std::get<nlohmann::json>(fields)["email"];
	const std::string password = std::get<nlohmann::json>(fields)["password"];

	DbOutcome	outcome = run(settings_for(request, login_role_, "{}"), kLoginSql, {email}, false);
	if (outcome.error)
		return error_reply(*outcome.error);

	const PGresult *res = outcome.result.get();
	std::optional<std::int64_t> user_id;
	for (int row = 0; row < PQntuples(res) && !user_id; row++)
	{
		bool		matches = check_django_password(password, PQgetvalue(res, row, 1));
		if (matches && std::string(PQgetvalue(res, row, 2)) == "t")
			user_id = std::stoll(PQgetvalue(res, row, 0));
	}
	if (PQntuples(res) == 0)
		spend_password_check_time(password);
	if (!user_id)
		return no_active_account();

	std::int64_t now = now_seconds();
	Reply		reply = json_reply(200, {
		{"refresh", mint_token(config_.jwt_secret, "refresh", *user_id, now,
							   config_.callboard_refresh_token_lifetime)},
		{"access", mint_token(config_.jwt_secret, "access", *user_id, now,
							  config_.callboard_access_token_lifetime)},
	});
	reply.role = login_role_;
	return reply;
}

Reply
Handlers::refresh(const Request &request)
{
	auto fields = string_fields(request, {"refresh"});
	if (auto *reply = std::get_if<Reply>(&fields))
		return *reply;

	auto verified = verify_token(std::get<nlohmann::json>(fields)["refresh"], auth_, now_seconds());
	if (std::holds_alternative<ApiError>(verified))
		return token_not_valid("Token is invalid or expired");
	const nlohmann::json &claims = std::get<nlohmann::json>(verified);
	if (claims.value("token_type", "") != "refresh")
		return token_not_valid("Token has wrong type");
	auto user = claims.find("user_id");
	if (user == claims.end() || !user->is_number_integer())
		return token_not_valid("Token contained no recognizable user identification");

	/* A user deactivated since login gets no new access token. */
	DbOutcome	outcome = run(settings_for(request, login_role_, "{}"), kActiveUserSql,
							  {std::to_string(user->get<std::int64_t>())}, false);
	if (outcome.error)
		return error_reply(*outcome.error);
	const PGresult *res = outcome.result.get();
	if (PQntuples(res) != 1 || std::string(PQgetvalue(res, 0, 0)) != "t")
		return json_reply(401, {{"detail", "No active account found for the given token."},
								{"code", "no_active_account"}});

	Reply		reply = json_reply(200, {
		{"access", mint_token(config_.jwt_secret, "access", user->get<std::int64_t>(), now_seconds(),
							  config_.callboard_access_token_lifetime)},
	});
	reply.role = login_role_;
	return reply;
}

Reply
Handlers::live()
{
	Reply		reply;
	reply.content_type = "text/plain";
	return reply;
}

Reply
Handlers::ready()
{
	Reply		reply;
	reply.content_type = "text/plain";
	DbOutcome	outcome = run(RequestSettings{search_path_, "none", "{}", "GET", "/ready", "{}"},
							  "SELECT 1", {}, false);
	if (outcome.error)
	{
		reply.status = 503;
		for (const auto &h : outcome.error->headers)
			if (h.first == "Retry-After")
				reply.headers.push_back(h);
	}
	return reply;
}

}								/* namespace gateway */
