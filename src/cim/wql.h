// WQL, the query language of ExecQuery: SELECT * | p1, p2 FROM Class [WHERE condition], where a
// condition combines comparisons of a property with a literal (=, <>, !=, <, <=, >, >=,
// IS [NOT] NULL) with AND, OR, NOT and parentheses. Keywords and names are case-insensitive.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cim/instance.h"
#include "cim/operation.h"

namespace vsm::cim {

class WqlCondition;

class WqlQuery {
 public:
  // CIM_ERR_INVALID_QUERY with the position and what was expected if `text` does not parse.
  static std::variant<WqlQuery, CimError> Parse(std::string_view text);

  const std::string& class_name() const { return class_name_; }
  // nullopt for SELECT *.
  const std::optional<std::vector<std::string>>& properties() const { return properties_; }
  // True if `instance` satisfies the WHERE clause (always, without one). A comparison with a
  // property the instance lacks, or that is null, is false.
  bool Matches(const Instance& instance) const;

 private:
  std::string class_name_;
  std::optional<std::vector<std::string>> properties_;
  std::shared_ptr<const WqlCondition> where_;
};

}  // namespace vsm::cim
