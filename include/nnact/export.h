/* libnnact — export macro and language linkage shared by every public header. */
#ifndef NNACT_EXPORT_H
#define NNACT_EXPORT_H

/* The shared library is built with -fvisibility=hidden; only declarations
 * marked NNACT_API are exported (and the linker version script puts each of
 * them under a version node). Consumers see the macro expand to nothing. */
#if defined(NNACT_BUILDING_LIBRARY) && (defined(__GNUC__) || defined(__clang__))
#define NNACT_API __attribute__((visibility("default")))
#else
#define NNACT_API
#endif

#ifdef __cplusplus
#define NNACT_BEGIN_DECLS extern "C" {
#define NNACT_END_DECLS }
#else
#define NNACT_BEGIN_DECLS
#define NNACT_END_DECLS
#endif

#endif /* NNACT_EXPORT_H */
