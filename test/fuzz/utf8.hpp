/*
 * utf8.hpp
 *		Whether bytes are valid UTF-8 (RFC 3629: no overlongs, no surrogates,
 *		nothing above U+10FFFF), for targets whose properties hold only then.
 */
#ifndef CALLBOARD_FUZZ_UTF8_HPP
#define CALLBOARD_FUZZ_UTF8_HPP

#include <string_view>

inline bool
valid_utf8(std::string_view s)
{
	std::size_t i = 0;
	while (i < s.size())
	{
		unsigned char c = static_cast<unsigned char>(s[i]);
		std::size_t n;
		unsigned char lo = 0x80, hi = 0xbf;		/* range of the second byte */
		if (c < 0x80)
			n = 0;
		else if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
		{
			n = 2;
			lo = c == 0xe0 ? 0xa0 : 0x80;
			hi = c == 0xed ? 0x9f : 0xbf;
		}
		else if (c >= 0xf0 && c <= 0xf4)
		{
			n = 3;
			lo = c == 0xf0 ? 0x90 : 0x80;
			hi = c == 0xf4 ? 0x8f : 0xbf;
		}
		else
			return false;
		if (s.size() - i - 1 < n)
			return false;
		for (std::size_t k = 1; k <= n; k++)
		{
			unsigned char b = static_cast<unsigned char>(s[i + k]);
			if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xbf))
				return false;
		}
		i += n + 1;
	}
	return true;
}

#endif
