#include "cim/mof_parser.h"

#include "cim/object_path.h"

#include <fmt/format.h>

#include <cctype>
#include <optional>

namespace vsm::cim {
namespace {

struct Token {
  enum Kind { kIdentifier, kString, kNumber, kPunct, kEnd } kind = kEnd;
  std::string text;
  int line = 1;
  int column = 1;
};

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  Result<Token> Next() {
    SkipSpaceAndComments();
    Token token;
    token.line = line_;
    token.column = column_;
    if (at_ >= text_.size()) return token;
    char c = text_[at_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      token.kind = Token::kIdentifier;
      while (at_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) {
        token.text += Advance();
      }
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
      token.kind = Token::kNumber;
      token.text += Advance();
      while (at_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '.')) {
        token.text += Advance();
      }
    } else if (c == '"') {
      token.kind = Token::kString;
      Advance();
      for (;;) {
        if (at_ >= text_.size() || text_[at_] == '\n') {
          return Error::InvalidParameter(fmt::format("{}:{}: unterminated string", token.line, token.column));
        }
        char ch = Advance();
        if (ch == '"') break;
        if (ch == '\\' && at_ < text_.size()) {
          char escaped = Advance();
          ch = escaped == 'n' ? '\n' : escaped == 't' ? '\t' : escaped;
        }
        token.text += ch;
      }
    } else {
      token.kind = Token::kPunct;
      token.text = std::string(1, Advance());
    }
    return token;
  }

 private:
  char Advance() {
    char c = text_[at_++];
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else {
      ++column_;
    }
    return c;
  }

  void SkipSpaceAndComments() {
    while (at_ < text_.size()) {
      if (std::isspace(static_cast<unsigned char>(text_[at_]))) {
        Advance();
      } else if (text_.substr(at_, 2) == "//") {
        while (at_ < text_.size() && text_[at_] != '\n') Advance();
      } else if (text_.substr(at_, 2) == "/*") {
        Advance();
        Advance();
        while (at_ < text_.size() && text_.substr(at_, 2) != "*/") Advance();
        if (at_ < text_.size()) {
          Advance();
          Advance();
        }
      } else {
        break;
      }
    }
  }

  std::string_view text_;
  size_t at_ = 0;
  int line_ = 1;
  int column_ = 1;
};

bool IsWord(const Token& t, std::string_view word) {
  return t.kind == Token::kIdentifier && EqualsIgnoreCase(t.text, word);
}

class Parser {
 public:
  Parser(std::string_view text, std::string_view source) : lexer_(text), source_(source) {}

  Result<std::vector<ClassDecl>> ParseFile() {
    VSM_RETURN_IF_ERROR(Read());
    std::vector<ClassDecl> classes;
    while (current_.kind != Token::kEnd) {
      if (current_.kind == Token::kPunct && current_.text == "#") {
        VSM_RETURN_IF_ERROR(SkipPragma());
        continue;
      }
      VSM_ASSIGN_OR_RETURN(ClassDecl decl, ParseClass());
      classes.push_back(std::move(decl));
    }
    return classes;
  }

 private:
  Result<void> Read() {
    VSM_ASSIGN_OR_RETURN(current_, lexer_.Next());
    return Ok();
  }

  Error Fail(const std::string& what) const {
    return Error::InvalidParameter(fmt::format("{}:{}:{}: {}{}", source_, current_.line,
                                               current_.column, what,
                                               current_.kind == Token::kEnd
                                                   ? " (found the end of the file)"
                                                   : fmt::format(" (found '{}')", current_.text)));
  }

  Result<void> Expect(std::string_view punct) {
    if (current_.kind != Token::kPunct || current_.text != punct) {
      return Fail(fmt::format("expected '{}'", punct));
    }
    return Read();
  }

  bool AtPunct(std::string_view punct) const {
    return current_.kind == Token::kPunct && current_.text == punct;
  }

  Result<std::string> ExpectIdentifier(std::string_view what) {
    if (current_.kind != Token::kIdentifier) return Fail(fmt::format("expected {}", what));
    std::string text = current_.text;
    VSM_RETURN_IF_ERROR(Read());
    return text;
  }

  Result<void> SkipPragma() {
    // #pragma name("value")
    int line = current_.line;
    while (current_.kind != Token::kEnd && current_.line == line) VSM_RETURN_IF_ERROR(Read());
    return Ok();
  }

  // A literal: strings (adjacent ones concatenate), numbers, TRUE/FALSE, NULL.
  Result<Value> ParseLiteral() {
    if (current_.kind == Token::kString) {
      std::string text;
      while (current_.kind == Token::kString) {
        text += current_.text;
        VSM_RETURN_IF_ERROR(Read());
      }
      return Value::String(text);
    }
    if (IsWord(current_, "true") || IsWord(current_, "false")) {
      bool value = IsWord(current_, "true");
      VSM_RETURN_IF_ERROR(Read());
      return Value::Boolean(value);
    }
    if (IsWord(current_, "null")) {
      VSM_RETURN_IF_ERROR(Read());
      return Value::Null(CimType::kString);
    }
    if (current_.kind == Token::kNumber) {
      std::string text = current_.text;
      VSM_RETURN_IF_ERROR(Read());
      if (text.front() == '-') {
        auto value = Value::FromText(CimType::kSint64, text);
        if (!value) return Fail("bad number");
        return *value;
      }
      auto value = Value::FromText(CimType::kUint64, text);
      if (!value) return Fail("bad number");
      return *value;
    }
    return Fail("expected a value");
  }

  // A literal or a { list } of literals (an array of their type).
  Result<Value> ParseInitializer() {
    if (!AtPunct("{")) return ParseLiteral();
    VSM_RETURN_IF_ERROR(Read());
    std::vector<Value> elements;
    CimType type = CimType::kString;
    while (!AtPunct("}")) {
      VSM_ASSIGN_OR_RETURN(Value element, ParseLiteral());
      type = element.type();
      elements.push_back(std::move(element));
      if (AtPunct(",")) VSM_RETURN_IF_ERROR(Read());
      else if (!AtPunct("}")) return Fail("expected ',' or '}'");
    }
    VSM_RETURN_IF_ERROR(Read());
    return Value::Array(type, std::move(elements));
  }

  Result<std::vector<Qualifier>> ParseQualifiers() {
    std::vector<Qualifier> qualifiers;
    if (!AtPunct("[")) return qualifiers;
    VSM_RETURN_IF_ERROR(Read());
    for (;;) {
      VSM_ASSIGN_OR_RETURN(std::string name, ExpectIdentifier("a qualifier name"));
      Qualifier qualifier{name, Value::Boolean(true)};
      if (AtPunct("(")) {
        VSM_RETURN_IF_ERROR(Read());
        VSM_ASSIGN_OR_RETURN(qualifier.value, ParseInitializer());
        VSM_RETURN_IF_ERROR(Expect(")"));
      } else if (AtPunct("{")) {
        VSM_ASSIGN_OR_RETURN(qualifier.value, ParseInitializer());
      }
      qualifiers.push_back(std::move(qualifier));
      if (AtPunct(",")) {
        VSM_RETURN_IF_ERROR(Read());
        continue;
      }
      VSM_RETURN_IF_ERROR(Expect("]"));
      return qualifiers;
    }
  }

  // A data type name, or a class name followed by REF.
  struct TypeSpec {
    CimType type = CimType::kString;
    std::string reference_class;
  };
  Result<TypeSpec> ParseType() {
    VSM_ASSIGN_OR_RETURN(std::string name, ExpectIdentifier("a type"));
    if (IsWord(current_, "ref")) {
      VSM_RETURN_IF_ERROR(Read());
      return TypeSpec{CimType::kReference, name};
    }
    std::optional<CimType> type = CimTypeFromName(name);
    if (!type || *type == CimType::kReference) {
      return Error::InvalidParameter(fmt::format("{}:{}:{}: unknown type '{}'", source_, current_.line,
                                                 current_.column, name));
    }
    return TypeSpec{*type, ""};
  }

  Result<bool> ParseArraySuffix() {
    if (!AtPunct("[")) return false;
    VSM_RETURN_IF_ERROR(Read());
    if (current_.kind == Token::kNumber) VSM_RETURN_IF_ERROR(Read());
    VSM_RETURN_IF_ERROR(Expect("]"));
    return true;
  }

  Result<ClassDecl> ParseClass() {
    ClassDecl decl;
    VSM_ASSIGN_OR_RETURN(decl.qualifiers, ParseQualifiers());
    if (!IsWord(current_, "class")) return Fail("expected 'class'");
    VSM_RETURN_IF_ERROR(Read());
    VSM_ASSIGN_OR_RETURN(decl.name, ExpectIdentifier("a class name"));
    if (AtPunct(":")) {
      VSM_RETURN_IF_ERROR(Read());
      VSM_ASSIGN_OR_RETURN(decl.superclass, ExpectIdentifier("a superclass name"));
    }
    VSM_RETURN_IF_ERROR(Expect("{"));
    while (!AtPunct("}")) {
      if (current_.kind == Token::kEnd) return Fail("expected '}' closing class " + decl.name);
      VSM_ASSIGN_OR_RETURN(std::vector<Qualifier> qualifiers, ParseQualifiers());
      VSM_ASSIGN_OR_RETURN(TypeSpec type, ParseType());
      VSM_ASSIGN_OR_RETURN(std::string name, ExpectIdentifier("a property or method name"));
      if (AtPunct("(")) {
        MethodDecl method{name, type.type, {}, std::move(qualifiers), decl.name};
        VSM_RETURN_IF_ERROR(Read());
        while (!AtPunct(")")) {
          ParameterDecl parameter;
          VSM_ASSIGN_OR_RETURN(parameter.qualifiers, ParseQualifiers());
          VSM_ASSIGN_OR_RETURN(TypeSpec parameter_type, ParseType());
          parameter.type = parameter_type.type;
          parameter.reference_class = parameter_type.reference_class;
          VSM_ASSIGN_OR_RETURN(parameter.name, ExpectIdentifier("a parameter name"));
          VSM_ASSIGN_OR_RETURN(parameter.is_array, ParseArraySuffix());
          method.parameters.push_back(std::move(parameter));
          if (AtPunct(",")) VSM_RETURN_IF_ERROR(Read());
          else if (!AtPunct(")")) return Fail("expected ',' or ')'");
        }
        VSM_RETURN_IF_ERROR(Read());
        decl.methods.push_back(std::move(method));
      } else {
        PropertyDecl property;
        property.name = name;
        property.type = type.type;
        property.reference_class = type.reference_class;
        property.qualifiers = std::move(qualifiers);
        property.class_origin = decl.name;
        VSM_ASSIGN_OR_RETURN(property.is_array, ParseArraySuffix());
        if (AtPunct("=")) {
          VSM_RETURN_IF_ERROR(Read());
          VSM_ASSIGN_OR_RETURN(Value initial, ParseInitializer());
          if (!initial.is_null()) property.default_value = std::move(initial);
        }
        decl.properties.push_back(std::move(property));
      }
      VSM_RETURN_IF_ERROR(Expect(";"));
    }
    VSM_RETURN_IF_ERROR(Read());
    VSM_RETURN_IF_ERROR(Expect(";"));
    return decl;
  }

  Lexer lexer_;
  std::string source_;
  Token current_;
};

}  // namespace

Result<std::vector<ClassDecl>> ParseMof(std::string_view text, std::string_view source_name) {
  Parser parser(text, source_name);
  Result<std::vector<ClassDecl>> parsed = parser.ParseFile();
  if (!parsed.ok() && parsed.error().message().rfind(std::string(source_name), 0) != 0) {
    // Lexer errors carry only line:column; give them the source name too.
    return Error::InvalidParameter(fmt::format("{}:{}", source_name, parsed.error().message()));
  }
  return parsed;
}

}  // namespace vsm::cim
