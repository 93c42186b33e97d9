#include "cim/wql.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>

namespace vsm::cim {

// A node of the WHERE clause.
class WqlCondition {
 public:
  enum class Kind { kAnd, kOr, kNot, kCompare, kIsNull, kIsNotNull };
  Kind kind = Kind::kCompare;
  std::shared_ptr<const WqlCondition> left, right;  // kAnd/kOr; kNot uses left
  std::string property;
  std::string op;  // "=", "<>", "<", "<=", ">", ">="
  // The literal: a string, a number, or a boolean.
  enum class LiteralKind { kString, kNumber, kBoolean } literal_kind = LiteralKind::kString;
  std::string text;
  double number = 0;
  bool boolean = false;

  bool Evaluate(const Instance& instance) const {
    switch (kind) {
      case Kind::kAnd: return left->Evaluate(instance) && right->Evaluate(instance);
      case Kind::kOr: return left->Evaluate(instance) || right->Evaluate(instance);
      case Kind::kNot: return !left->Evaluate(instance);
      case Kind::kIsNull: {
        const Value* value = instance.Get(property);
        return value == nullptr || value->is_null();
      }
      case Kind::kIsNotNull: {
        const Value* value = instance.Get(property);
        return value != nullptr && !value->is_null();
      }
      case Kind::kCompare: return Compare(instance);
    }
    return false;
  }

 private:
  template <typename T>
  bool Apply(const T& a, const T& b) const {
    if (op == "=") return a == b;
    if (op == "<>") return !(a == b);
    if (op == "<") return a < b;
    if (op == "<=") return a < b || a == b;
    if (op == ">") return b < a;
    if (op == ">=") return b < a || a == b;
    return false;
  }

  bool Compare(const Instance& instance) const {
    const Value* value = instance.Get(property);
    if (value == nullptr || value->is_null() || value->is_array()) return false;
    switch (value->type()) {
      case CimType::kBoolean:
        if (literal_kind != LiteralKind::kBoolean) return false;
        return Apply(value->AsBoolean(), boolean);
      case CimType::kUint8: case CimType::kUint16: case CimType::kUint32: case CimType::kUint64:
        if (literal_kind != LiteralKind::kNumber) return false;
        return Apply(static_cast<double>(value->AsUnsigned()), number);
      case CimType::kSint8: case CimType::kSint16: case CimType::kSint32: case CimType::kSint64:
        if (literal_kind != LiteralKind::kNumber) return false;
        return Apply(static_cast<double>(value->AsSigned()), number);
      case CimType::kReal32: case CimType::kReal64:
        if (literal_kind != LiteralKind::kNumber) return false;
        return Apply(value->AsReal(), number);
      case CimType::kString: case CimType::kChar16: case CimType::kDatetime:
        return Apply(value->AsString(), text);
      case CimType::kReference:
        return Apply(value->AsReference().ToString(), text);
    }
    return false;
  }
};

namespace {

struct WqlToken {
  enum Kind { kWord, kString, kNumber, kSymbol, kEnd } kind = kEnd;
  std::string text;
  size_t position = 0;
};

class WqlParser {
 public:
  explicit WqlParser(std::string_view text) : text_(text) { Next(); }

  std::variant<WqlQuery, CimError> Fail(std::string_view expected) const {
    return CimError{CimStatus::kInvalidQuery,
                    fmt::format("WQL query '{}': expected {} at position {}{}", text_, expected,
                                token_.position + 1,
                                token_.kind == WqlToken::kEnd ? " (end of query)"
                                                              : " (found '" + token_.text + "')")};
  }

  bool IsWord(std::string_view word) const {
    return token_.kind == WqlToken::kWord && EqualsIgnoreCase(token_.text, word);
  }
  bool IsSymbol(std::string_view symbol) const {
    return token_.kind == WqlToken::kSymbol && token_.text == symbol;
  }

  void Next() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
    token_ = WqlToken{};
    token_.position = at_;
    if (at_ >= text_.size()) return;
    char c = text_[at_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      token_.kind = WqlToken::kWord;
      while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) {
        token_.text += text_[at_++];
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) || (c == '-' && at_ + 1 < text_.size() &&
                                                               std::isdigit(static_cast<unsigned char>(text_[at_ + 1])))) {
      token_.kind = WqlToken::kNumber;
      token_.text += text_[at_++];
      while (at_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.')) {
        token_.text += text_[at_++];
      }
    } else if (c == '\'' || c == '"') {
      token_.kind = WqlToken::kString;
      ++at_;
      bool closed = false;
      while (at_ < text_.size()) {
        char ch = text_[at_++];
        if (ch == '\\' && at_ < text_.size()) {
          token_.text += text_[at_++];
        } else if (ch == c) {
          closed = true;
          break;
        } else {
          token_.text += ch;
        }
      }
      if (!closed) {
        token_.kind = WqlToken::kSymbol;  // reported as unexpected
        token_.text = "unterminated string";
      }
    } else {
      token_.kind = WqlToken::kSymbol;
      std::string_view two = text_.substr(at_, 2);
      if (two == "<>" || two == "!=" || two == "<=" || two == ">=") {
        token_.text = two == "!=" ? "<>" : std::string(two);
        at_ += 2;
      } else {
        token_.text = std::string(1, text_[at_++]);
      }
    }
  }

  std::variant<WqlQuery, CimError> ParseQuery(WqlQuery& query, std::string& class_name,
                                              std::optional<std::vector<std::string>>& properties,
                                              std::shared_ptr<const WqlCondition>& where) {
    if (!IsWord("SELECT")) return Fail("SELECT");
    Next();
    if (IsSymbol("*")) {
      Next();
    } else {
      properties.emplace();
      for (;;) {
        if (token_.kind != WqlToken::kWord) return Fail("a property name or *");
        properties->push_back(token_.text);
        Next();
        if (!IsSymbol(",")) break;
        Next();
      }
    }
    if (!IsWord("FROM")) return Fail("FROM");
    Next();
    if (token_.kind != WqlToken::kWord) return Fail("a class name");
    class_name = token_.text;
    Next();
    if (IsWord("WHERE")) {
      Next();
      auto condition = ParseOr();
      if (!condition) return Fail(error_);
      where = condition;
    }
    if (token_.kind != WqlToken::kEnd) return Fail("the end of the query");
    return query;
  }

 private:
  using Node = std::shared_ptr<const WqlCondition>;

  Node Binary(WqlCondition::Kind kind, Node left, Node right) {
    auto node = std::make_shared<WqlCondition>();
    node->kind = kind;
    node->left = std::move(left);
    node->right = std::move(right);
    return node;
  }

  Node ParseOr() {
    Node left = ParseAnd();
    while (left && IsWord("OR")) {
      Next();
      Node right = ParseAnd();
      if (!right) return nullptr;
      left = Binary(WqlCondition::Kind::kOr, left, right);
    }
    return left;
  }

  Node ParseAnd() {
    Node left = ParseFactor();
    while (left && IsWord("AND")) {
      Next();
      Node right = ParseFactor();
      if (!right) return nullptr;
      left = Binary(WqlCondition::Kind::kAnd, left, right);
    }
    return left;
  }

  Node ParseFactor() {
    if (IsWord("NOT")) {
      Next();
      Node inner = ParseFactor();
      if (!inner) return nullptr;
      return Binary(WqlCondition::Kind::kNot, inner, nullptr);
    }
    if (IsSymbol("(")) {
      Next();
      Node inner = ParseOr();
      if (!inner) return nullptr;
      if (!IsSymbol(")")) {
        error_ = "')'";
        return nullptr;
      }
      Next();
      return inner;
    }
    if (token_.kind != WqlToken::kWord) {
      error_ = "a property name, NOT or '('";
      return nullptr;
    }
    auto node = std::make_shared<WqlCondition>();
    node->property = token_.text;
    Next();
    if (IsWord("IS")) {
      Next();
      node->kind = WqlCondition::Kind::kIsNull;
      if (IsWord("NOT")) {
        node->kind = WqlCondition::Kind::kIsNotNull;
        Next();
      }
      if (!IsWord("NULL")) {
        error_ = "NULL";
        return nullptr;
      }
      Next();
      return node;
    }
    static const char* kOperators[] = {"=", "<>", "<", "<=", ">", ">="};
    bool is_operator = false;
    for (const char* op : kOperators) is_operator |= IsSymbol(op);
    if (!is_operator) {
      error_ = "a comparison operator (=, <>, <, <=, >, >=) or IS";
      return nullptr;
    }
    node->op = token_.text;
    Next();
    if (token_.kind == WqlToken::kString) {
      node->literal_kind = WqlCondition::LiteralKind::kString;
      node->text = token_.text;
    } else if (token_.kind == WqlToken::kNumber) {
      node->literal_kind = WqlCondition::LiteralKind::kNumber;
      node->text = token_.text;
      char* end = nullptr;
      node->number = std::strtod(token_.text.c_str(), &end);
      if (token_.text.rfind("0x", 0) == 0) node->number = static_cast<double>(std::strtoull(token_.text.c_str(), &end, 16));
      if (end == nullptr || *end != '\0') {
        error_ = "a number";
        return nullptr;
      }
    } else if (IsWord("TRUE") || IsWord("FALSE")) {
      node->literal_kind = WqlCondition::LiteralKind::kBoolean;
      node->boolean = IsWord("TRUE");
      node->text = node->boolean ? "TRUE" : "FALSE";
    } else {
      error_ = "a literal (a quoted string, a number, TRUE or FALSE)";
      return nullptr;
    }
    Next();
    return node;
  }

  std::string_view text_;
  size_t at_ = 0;
  WqlToken token_;
  std::string error_;
};

}  // namespace

std::variant<WqlQuery, CimError> WqlQuery::Parse(std::string_view text) {
  WqlQuery query;
  WqlParser parser(text);
  auto parsed = parser.ParseQuery(query, query.class_name_, query.properties_, query.where_);
  if (std::holds_alternative<CimError>(parsed)) return parsed;
  return query;
}

bool WqlQuery::Matches(const Instance& instance) const {
  return !where_ || where_->Evaluate(instance);
}

}  // namespace vsm::cim
