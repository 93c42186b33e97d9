// Clang thread-safety annotations (no-ops under g++): document which mutex guards a field.
#pragma once

#if defined(__clang__)
#define VSM_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define VSM_THREAD_ANNOTATION_(x)
#endif

#define GUARDED_BY(x) VSM_THREAD_ANNOTATION_(guarded_by(x))
#define REQUIRES(...) VSM_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define EXCLUDES(...) VSM_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
