/*
 * base64.cpp
 *		OpenSSL's EVP_DecodeBlock, fed the standard alphabet with padding.
 */
#include "core/base64.hpp"

#include <openssl/evp.h>

#include <vector>

namespace gateway {

std::optional<std::string>
base64_decode(const std::string &in)
{
	std::string text = in;
	std::size_t pad = 0;

	while (!text.empty() && text.back() == '=')
	{
		text.pop_back();
		pad++;
	}
	if (pad > 2 || text.size() % 4 == 1)
		return std::nullopt;
	for (char &c : text)
	{
		if (c == '-')
			c = '+';
		else if (c == '_')
			c = '/';
	}
	std::size_t missing = (4 - text.size() % 4) % 4;
	text.append(missing, '=');

	std::vector<unsigned char> out(text.size() / 4 * 3 + 1);
	int n = EVP_DecodeBlock(out.data(), reinterpret_cast<const unsigned char *>(text.data()),
							static_cast<int>(text.size()));
	if (n < 0)
		return std::nullopt;
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	return std::string(reinterpret_cast<char *>(out.data()), n - missing);
}

}								/* namespace gateway */
