#include "cli/wizard.h"

#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "cli/render.h"
#include "common/file_util.h"
#include "common/strings.h"
#include "core/input_limits.h"

namespace latchkey::cli {
namespace {

class Prompter {
 public:
  Prompter(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  Result<std::string> Ask(std::string const& question, bool secret = false) {
    out_ << question << std::flush;
    bool hide = secret && &in_ == &std::cin && ::isatty(STDIN_FILENO);
    termios saved{};
    if (hide) {
      ::tcgetattr(STDIN_FILENO, &saved);
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    // Bounded like every other way a value enters (core/input_limits.h).
    auto line = ReadBoundedLine(in_, kMaxValueBytes, "an answer");
    if (hide) {
      ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
      out_ << "\n";
    }
    if (!line) return tl::unexpected(line.error());
    if (!*line)
      return Fail(ErrorCode::kInvalidArgument,
                  "interactive input ended before the wizard finished");
    return Trim(**line);
  }

  // Asks until the answer is one of `choices` (or blank when `allow_blank`).
  Result<std::string> Choose(std::string const& what, std::vector<std::string> const& choices,
                             bool allow_blank) {
    if (choices.size() == 1 && !allow_blank) {
      out_ << what << ": " << choices[0] << "\n";
      return choices[0];
    }
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto answer = Ask(fmt::format("{} [{}]{}: ", what, Join(choices, ", "),
                                    allow_blank ? " (blank for all)" : ""));
      if (!answer) return answer;
      if (answer->empty() && allow_blank) return *answer;
      if (std::find(choices.begin(), choices.end(), *answer) != choices.end()) return answer;
      out_ << "Please choose one of: " << Join(choices, ", ") << "\n";
    }
    return Fail(ErrorCode::kInvalidArgument, "no valid " + what + " given");
  }

  std::ostream& out() { return out_; }

 private:
  std::istream& in_;
  std::ostream& out_;
};

}  // namespace

Result<RegisterRequest> RunRegisterWizard(Backend& backend, RegisterRequest seed, std::istream& in,
                                          std::ostream& out) {
  Prompter p(in, out);
  Connector& d = seed.draft;
  while (d.name.empty()) {
    auto name = p.Ask("Service connector name: ");
    if (!name) return tl::unexpected(name.error());
    d.name = *name;
  }
  if (d.connector_type.empty()) {
    std::vector<std::string> types;
    for (auto const* t : backend.ListConnectorTypes({})) types.push_back(t->connector_type);
    auto type = p.Choose("Connector type", types, false);
    if (!type) return tl::unexpected(type.error());
    d.connector_type = *type;
  }
  auto spec = backend.GetConnectorType(d.connector_type);
  if (!spec) return tl::unexpected(spec.error());
  ConnectorTypeSpec const& s = **spec;

  if (d.resource_types.empty()) {
    auto rt = p.Choose("Resource type", s.ResourceTypeNames(), true);
    if (!rt) return tl::unexpected(rt.error());
    if (!rt->empty()) d.resource_types = {*rt};
  }
  if (s.supports_auto_configuration && !seed.auto_configure && seed.values.empty()) {
    auto answer =
        p.Ask("Lift the credentials from the local environment (auto-configure)? [y/N]: ");
    if (!answer) return tl::unexpected(answer.error());
    seed.auto_configure = IsTruthy(*answer);
  }
  if (!seed.auto_configure) {
    if (d.auth_method.empty()) {
      std::vector<std::string> methods = s.AuthMethodNames();
      if (!d.resource_types.empty())
        methods = s.FindResourceType(d.resource_types[0])->auth_methods;
      auto method = p.Choose("Authentication method", methods, false);
      if (!method) return tl::unexpected(method.error());
      d.auth_method = *method;
    }
    AuthMethodSpec const* auth = s.FindAuthMethod(d.auth_method);
    if (!auth)
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown authentication method '" + d.auth_method + "'");
    for (auto const& f : auth->fields) {
      if (seed.values.count(f.name)) continue;
      std::string hint = f.required ? "required" : "optional";
      if (f.default_value) hint += ", default " + *f.default_value;
      auto value = p.Ask(fmt::format("{} ({}) [{}]: ", f.name, f.title, hint), f.secret);
      if (!value) return tl::unexpected(value.error());
      if (!value->empty()) seed.values[f.name] = *value;
    }
    if (auth->SupportsTemporaryCredentials() && !d.expiration_seconds) {
      auto value = p.Ask(fmt::format(
          "Lifetime of issued credentials in seconds [{}..{}, default {}]: ",
          auth->min_expiration_seconds.value_or(0), auth->max_expiration_seconds.value_or(0),
          auth->default_expiration_seconds.value_or(0)));
      if (!value) return tl::unexpected(value.error());
      if (!value->empty()) {
        try {
          d.expiration_seconds = std::stoll(*value);
        } catch (...) {
          return Fail(ErrorCode::kInvalidArgument, "the lifetime must be a number of seconds");
        }
      }
    }
  }

  if (!seed.verify) return seed;
  p.out() << "Verifying the configuration...\n";
  auto report = backend.VerifyDraft(seed);
  if (!report) return tl::unexpected(report.error());
  p.out() << RenderResources(*report);
  if (report->error)
    return Fail(ErrorCode::kUnauthenticated, "verification failed: " + *report->error);
  if (d.resource_types.size() == 1 && !d.resource_id) {
    auto const& r = report->resources.at(0);
    if (r.resource_ids && r.resource_ids->size() > 1) {
      auto id = p.Choose("Resource ID", *r.resource_ids, true);
      if (!id) return tl::unexpected(id.error());
      if (!id->empty()) d.resource_id = *id;
    }
  }
  return seed;
}

}  // namespace latchkey::cli
