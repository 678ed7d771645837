/* Test-only stand-in for Windows' own icuuc.dll, which Wine lacks and Qt 6 imports.
 * Every converter lookup fails, so Qt falls back to its built-in UTF-8/UTF-16 and Latin-1
 * codecs. Placed only in the system32 of Wine prefixes: the build prefix (PyInstaller imports
 * QtCore there to find Qt's plugins) and the smoke-test prefix; the build asserts that it never
 * reaches the bundle. */
#include <stddef.h>
#include <stdint.h>

#define U_FILE_ACCESS_ERROR 4
typedef int UErrorCode;
typedef uint16_t UChar;

__declspec(dllexport) void *ucnv_open(const char *name, UErrorCode *err) { (void)name; if (err) *err = U_FILE_ACCESS_ERROR; return NULL; }
__declspec(dllexport) void ucnv_close(void *c) { (void)c; }
__declspec(dllexport) void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
__declspec(dllexport) void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
__declspec(dllexport) void ucnv_reset(void *c) { (void)c; }
__declspec(dllexport) int8_t ucnv_getMaxCharSize(const void *c) { (void)c; return 1; }
__declspec(dllexport) const char *ucnv_getName(const void *c, UErrorCode *err) { (void)c; if (err) *err = U_FILE_ACCESS_ERROR; return NULL; }
__declspec(dllexport) void ucnv_getToUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
__declspec(dllexport) void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
__declspec(dllexport) void ucnv_setToUCallBack(void *c, void *n, const void *ctx, void **o, const void **oc, UErrorCode *err) { (void)c; (void)n; (void)ctx; (void)o; (void)oc; if (err) *err = U_FILE_ACCESS_ERROR; }
__declspec(dllexport) void ucnv_setFromUCallBack(void *c, void *n, const void *ctx, void **o, const void **oc, UErrorCode *err) { (void)c; (void)n; (void)ctx; (void)o; (void)oc; if (err) *err = U_FILE_ACCESS_ERROR; }
__declspec(dllexport) void ucnv_cbToUWriteUChars(void *a, const UChar *s, int32_t l, int32_t o, UErrorCode *err) { (void)a; (void)s; (void)l; (void)o; if (err) *err = U_FILE_ACCESS_ERROR; }
__declspec(dllexport) void ucnv_toUnicode(void *c, UChar **t, const UChar *tl, const char **s, const char *sl, int32_t *o, int8_t f, UErrorCode *err) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; if (err) *err = U_FILE_ACCESS_ERROR; }
__declspec(dllexport) void ucnv_cbFromUWriteUChars(void *a, const UChar **s, const UChar *l, int32_t o, UErrorCode *err) { (void)a; (void)s; (void)l; (void)o; if (err) *err = U_FILE_ACCESS_ERROR; }
__declspec(dllexport) int32_t ucnv_toUCountPending(const void *c, UErrorCode *err) { (void)c; (void)err; return 0; }
__declspec(dllexport) int32_t ucnv_fromUCountPending(const void *c, UErrorCode *err) { (void)c; (void)err; return 0; }
__declspec(dllexport) const char *ucnv_getStandardName(const char *n, const char *s, UErrorCode *err) { (void)n; (void)s; if (err) *err = U_FILE_ACCESS_ERROR; return NULL; }
__declspec(dllexport) const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
__declspec(dllexport) int32_t ucnv_countAvailable(void) { return 0; }
__declspec(dllexport) void ucnv_fromUnicode(void *c, char **t, const char *tl, const UChar **s, const UChar *sl, int32_t *o, int8_t f, UErrorCode *err) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; if (err) *err = U_FILE_ACCESS_ERROR; }
