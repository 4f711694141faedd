/*
 * text_field.hpp
 *		A text value's bytes, as callboard reads them: not copied, not
 *		terminated.
 */
#ifndef CALLBOARD_TEXT_FIELD_HPP
#define CALLBOARD_TEXT_FIELD_HPP

#include <cstddef>

namespace callboard {

/* data == nullptr when SQL NULL. */
struct TextField
{
	const char *data;
	std::size_t len;
};

}								/* namespace callboard */

#endif
