/*
 * web_files.cpp
 *		Reading the page's files, and their types.
 */
#include "http/web_files.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/gzip.hpp"
#include "http/conditional.hpp"

namespace gateway {

namespace fs = std::filesystem;

const char *const kContentSecurityPolicy =
	"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
	"font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

namespace {

std::string
content_type(const fs::path &file)
{
	static const std::map<std::string, std::string> types = {
		{".html", "text/html; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	auto		it = types.find(file.extension().string());
	return it == types.end() ? "application/octet-stream" : it->second;
}

}								/* namespace */

WebFiles::WebFiles(const std::string &root)
{
	std::error_code ec;
	if (!fs::is_directory(root, ec))
		throw std::runtime_error("callboard-web-root: " + root + " is not a directory");
	for (const auto &entry : fs::recursive_directory_iterator(root, fs::directory_options::none, ec))
	{
		if (!entry.is_regular_file())
			continue;
		std::ifstream in(entry.path(), std::ios::binary);
		if (!in)
			throw std::runtime_error("cannot read " + entry.path().string());
		std::ostringstream body;
		body << in.rdbuf();

		WebFile		file;
		file.content_type = content_type(entry.path());
		file.body = body.str();
		file.gzipped = gzip(file.body);
		file.etag = etag_of(file.body);
		files_["/" + fs::relative(entry.path(), root).generic_string()] = std::move(file);
	}
	if (ec)
		throw std::runtime_error("cannot list " + root + ": " + ec.message());
}

const WebFile *
WebFiles::find(const std::string &path) const
{
	/* Only names that were read at start: nothing a request can point elsewhere with. */
	auto		it = files_.find(path == "/" ? "/index.html" : path);
	return it == files_.end() ? nullptr : &it->second;
}

}								/* namespace gateway */
