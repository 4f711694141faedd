/*
 * text_datum.cpp
 *		Text Datum -> bytes.
 */
#include "text_datum.hpp"

callboard::TextField
text_bytes(Datum value, bool isnull)
{
	if (isnull)
		return {nullptr, 0};

	struct varlena *text = pg_detoast_datum_packed((struct varlena *) DatumGetPointer(value));

	return {VARDATA_ANY(text), VARSIZE_ANY_EXHDR(text)};
}
