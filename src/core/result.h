// Result<T>: a value or an Error. Result<void> is success or an Error.
// Usage:  Result<Guid> r = Parse(...); if (!r.ok()) return r.error(); use(*r);
#pragma once

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "core/error.h"

namespace vsm {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // REQUIRES: !ok()
  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  // REQUIRES: !ok()
  const Error& error() const { assert(!ok()); return *error_; }

 private:
  std::optional<Error> error_;
};

inline Result<void> Ok() { return Result<void>(); }

}  // namespace vsm

// Returns the error of `expr` (a Result) from the enclosing function if it failed.
#define VSM_RETURN_IF_ERROR(expr)                     \
  do {                                                \
    auto vsm_result_ = (expr);                        \
    if (!vsm_result_.ok()) return vsm_result_.error(); \
  } while (0)

#define VSM_CONCAT_INNER_(a, b) a##b
#define VSM_CONCAT_(a, b) VSM_CONCAT_INNER_(a, b)
// Declares `lhs` from the value of `expr` (a Result), or returns its error.
#define VSM_ASSIGN_OR_RETURN(lhs, expr) \
  VSM_ASSIGN_OR_RETURN_IMPL_(VSM_CONCAT_(vsm_result_, __LINE__), lhs, expr)
#define VSM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return tmp.error();               \
  lhs = std::move(tmp).value()
