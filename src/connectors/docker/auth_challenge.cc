#include "connectors/docker/auth_challenge.h"

#include "common/strings.h"

namespace latchkey::docker {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }
bool IsTokenChar(char c) { return !IsSpace(c) && c != ',' && c != '=' && c != '"'; }

class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  size_t Position() const { return pos_; }
  void Rewind(size_t pos) { pos_ = pos; }
  void Advance() { ++pos_; }

  void SkipSpaces() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }
  void SkipSpacesAndCommas() {
    while (!AtEnd() && (IsSpace(text_[pos_]) || text_[pos_] == ',')) ++pos_;
  }
  std::string Token() {
    size_t start = pos_;
    while (!AtEnd() && IsTokenChar(text_[pos_])) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }
  // A quoted-string with backslash escapes, or a bare token; an unterminated quote runs to the
  // end rather than failing, since a lenient reading costs nothing here.
  std::string Value() {
    if (Peek() != '"') {
      size_t start = pos_;
      while (!AtEnd() && !IsSpace(text_[pos_]) && text_[pos_] != ',') ++pos_;
      return std::string(text_.substr(start, pos_ - start));
    }
    ++pos_;
    std::string out;
    while (!AtEnd() && text_[pos_] != '"') {
      if (text_[pos_] == '\\' && pos_ + 1 < text_.size()) ++pos_;
      out += text_[pos_++];
    }
    if (!AtEnd()) ++pos_;
    return out;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::optional<std::string> AuthChallenge::Param(std::string const& name) const {
  auto it = params.find(name);
  if (it == params.end()) return std::nullopt;
  return it->second;
}

std::vector<AuthChallenge> ParseAuthChallenges(std::string_view header) {
  std::vector<AuthChallenge> challenges;
  Scanner s(header);
  while (true) {
    s.SkipSpacesAndCommas();
    std::string scheme = s.Token();
    if (scheme.empty()) {
      if (s.AtEnd()) break;
      s.Advance();  // stray '=' or '"': skip rather than loop forever
      continue;
    }
    AuthChallenge challenge;
    challenge.scheme = ToLower(scheme);
    while (true) {
      size_t before = s.Position();
      s.SkipSpacesAndCommas();
      std::string name = s.Token();
      s.SkipSpaces();
      if (name.empty() || s.Peek() != '=') {
        // Not `name=value`: the start of the next challenge (or the end).
        s.Rewind(before);
        break;
      }
      s.Advance();
      s.SkipSpaces();
      challenge.params[ToLower(name)] = s.Value();
    }
    challenges.push_back(std::move(challenge));
  }
  return challenges;
}

std::vector<AuthChallenge> ChallengesOf(HttpResponse const& response) {
  std::vector<AuthChallenge> out;
  for (auto const& [name, value] : response.headers) {
    if (name != "www-authenticate") continue;
    for (auto& c : ParseAuthChallenges(value)) out.push_back(std::move(c));
  }
  return out;
}

std::optional<AuthChallenge> FindChallenge(std::vector<AuthChallenge> const& challenges,
                                           std::string_view scheme) {
  for (auto const& c : challenges) {
    if (c.scheme == scheme) return c;
  }
  return std::nullopt;
}

}  // namespace latchkey::docker
