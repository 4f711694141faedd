/*
 * web_files.hpp
 *		The dashboard page's files, served by the gateway at /.
 *
 * Read once at start from callboard-web-root (installed with the gateway)
 * into memory: a handful of small files.  Each is served with a strong
 * ETag, Cache-Control: no-cache (browsers revalidate, a 304 costs nothing),
 * gzip when asked, and headers that keep the page to itself: a strict
 * Content-Security-Policy (no inline script or style, nothing from another
 * origin), nosniff, no referrer, no framing.
 */
#ifndef CALLBOARD_GATEWAY_WEB_FILES_HPP
#define CALLBOARD_GATEWAY_WEB_FILES_HPP

#include <map>
#include <string>

namespace gateway {

struct WebFile
{
	std::string content_type;
	std::string body;
	std::string gzipped;
	std::string etag;
};

class WebFiles
{
public:
	/* Nothing to serve. */
	WebFiles() = default;

	/* Every regular file under `root`; throws std::runtime_error naming what cannot be read. */
	explicit	WebFiles(const std::string &root);

	/* The file for a request path ("/" is /index.html), or nullptr. */
	const WebFile *find(const std::string &path) const;

	bool		empty() const { return files_.empty(); }

private:
	std::map<std::string, WebFile> files_;	/* by path, "/index.html" */
};

/* The headers every page file is served with. */
extern const char *const kContentSecurityPolicy;

}								/* namespace gateway */

#endif
