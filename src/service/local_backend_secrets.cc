// LocalBackend: the `latchkey secret` use cases and key rotation.
#include <fmt/format.h>

#include "core/input_limits.h"
#include "crypto/random.h"
#include "service/local_backend.h"

namespace latchkey {
namespace {

Result<void> CheckSecretKeys(std::map<std::string, std::string> const& values) {
  if (values.size() > kMaxSecretValues) {
    return Fail(ErrorCode::kInvalidArgument,
                fmt::format("a secret holds at most {} values", kMaxSecretValues));
  }
  for (auto const& [k, v] : values) {
    if (k.empty()) return Fail(ErrorCode::kInvalidArgument, "secret keys must not be empty");
    if (k == "name") return Fail(ErrorCode::kInvalidArgument, "the secret key 'name' is reserved");
    if (auto r = CheckName("secret key", k); !r) return r;
    if (auto r = CheckValueSize("secret key '" + k + "'", v.size()); !r) return r;
  }
  return {};
}

Result<void> CheckSecretName(std::string const& name) {
  if (name.empty()) return Fail(ErrorCode::kInvalidArgument, "a secret name is required");
  return CheckName("secret name", name);
}

}  // namespace

Result<SecretRecord> LocalBackend::LoadSecret(std::string const& name_or_id, Access access) {
  auto record = store().FindSecret(name_or_id, names());
  if (!record) return record;
  if (auto r = Authorize(principal_, record->owner, record->shared, access, "secret", name_or_id);
      !r) {
    return tl::unexpected(r.error());
  }
  return record;
}

Result<SecretRecord> LocalBackend::SealSecrets(std::string const& name,
                                               std::map<std::string, std::string> const& values,
                                               bool internal, TimePoint now) {
  SecretRecord record;
  record.id = crypto::NewTimeOrderedUuid();
  record.name = name;
  record.owner = principal_.name;
  record.internal = internal;
  record.created = record.updated = now;
  for (auto const& [k, v] : values) {
    auto sealed = box().Seal(record.id, k, v);
    if (!sealed) return tl::unexpected(sealed.error());
    record.values.push_back(std::move(*sealed));
  }
  return record;
}

Result<Secret> LocalBackend::OpenSecret(SecretRecord const& record, bool reveal_values) {
  Secret s{record.id, record.name, {}, record.owner, record.shared, record.created, record.updated};
  for (auto const& v : record.values) {
    if (!reveal_values) {
      s.values[v.key] = "";
      continue;
    }
    auto plain = box().Open(record.id, v);
    if (!plain) return tl::unexpected(plain.error());
    s.values[v.key] = *plain;
  }
  return s;
}

Result<Secret> LocalBackend::CreateSecret(std::string const& name,
                                          std::map<std::string, std::string> const& values,
                                          bool shared) {
  if (auto r = CheckSecretName(name); !r) return tl::unexpected(r.error());
  if (auto r = CheckSecretKeys(values); !r) return tl::unexpected(r.error());
  if (values.empty()) return Fail(ErrorCode::kInvalidArgument, "a secret needs at least one value");
  auto record = SealSecrets(name, values, false, Now());
  if (!record) return tl::unexpected(record.error());
  record->shared = shared;
  if (auto r = store().CreateSecret(*record); !r) return tl::unexpected(r.error());
  return OpenSecret(*record, false);
}

Result<std::vector<Secret>> LocalBackend::ListSecrets() {
  SecretFilter filter;
  if (!principal_.admin) filter.visible_to = principal_.name;
  auto records = store().ListSecrets(filter);
  if (!records) return tl::unexpected(records.error());
  std::vector<Secret> out;
  for (auto const& r : *records) {
    auto s = OpenSecret(r, false);
    if (!s) return tl::unexpected(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<Page<Secret>> LocalBackend::PageSecrets(ListQuery query) {
  query.visible_to.reset();
  if (!principal_.admin) query.visible_to = principal_.name;
  auto records = store().PageSecrets(query);
  if (!records) return tl::unexpected(records.error());
  Page<Secret> out{{}, records->total, records->index, records->max_size};
  for (auto const& r : records->items) {
    auto s = OpenSecret(r, false);
    if (!s) return tl::unexpected(s.error());
    out.items.push_back(std::move(*s));
  }
  return out;
}

Result<Secret> LocalBackend::GetSecret(std::string const& name_or_id, bool reveal_values) {
  auto record = LoadSecret(name_or_id, reveal_values ? Access::kReadSecrets : Access::kRead);
  if (!record) return tl::unexpected(record.error());
  return OpenSecret(*record, reveal_values);
}

Result<Secret> LocalBackend::UpdateSecret(std::string const& name_or_id,
                                          std::map<std::string, std::string> const& values,
                                          std::vector<std::string> const& remove_keys,
                                          std::optional<bool> shared) {
  if (auto r = CheckSecretKeys(values); !r) return tl::unexpected(r.error());
  auto record = LoadSecret(name_or_id, Access::kUpdate);
  if (!record) return tl::unexpected(record.error());
  auto current = OpenSecret(*record, true);
  if (!current) return tl::unexpected(current.error());
  std::map<std::string, std::string> merged = current->values;
  for (auto const& k : remove_keys) {
    if (!merged.erase(k)) {
      return Fail(ErrorCode::kInvalidArgument,
                  fmt::format("secret '{}' has no key '{}' to remove", record->name, k));
    }
  }
  for (auto const& [k, v] : values) merged[k] = v;
  if (merged.empty()) {
    return Fail(ErrorCode::kInvalidArgument,
                "a secret needs at least one value; delete it with `latchkey secret delete`");
  }
  SecretRecord updated = *record;
  updated.updated = Now();
  if (shared) updated.shared = *shared;
  updated.values.clear();
  for (auto const& [k, v] : merged) {
    auto sealed = box().Seal(updated.id, k, v);
    if (!sealed) return tl::unexpected(sealed.error());
    updated.values.push_back(std::move(*sealed));
  }
  if (auto r = store().UpdateSecret(updated); !r) return tl::unexpected(r.error());
  return OpenSecret(updated, false);
}

Result<Secret> LocalBackend::RenameSecret(std::string const& name_or_id,
                                          std::string const& new_name) {
  if (auto r = CheckSecretName(new_name); !r) return tl::unexpected(r.error());
  auto record = LoadSecret(name_or_id, Access::kUpdate);
  if (!record) return tl::unexpected(record.error());
  SecretRecord renamed = *record;
  renamed.name = new_name;
  renamed.updated = Now();
  if (auto r = store().UpdateSecret(renamed); !r) return tl::unexpected(r.error());
  return OpenSecret(renamed, false);
}

Result<void> LocalBackend::DeleteSecret(std::string const& name_or_id) {
  auto record = LoadSecret(name_or_id, Access::kDelete);
  if (!record) return tl::unexpected(record.error());
  return store().DeleteSecret(record->id);
}

Result<size_t> LocalBackend::RotateSecretsKey() {
  if (!principal_.admin) {
    return Fail(ErrorCode::kPermissionDenied, "only an admin may rotate the secrets key");
  }
  auto ring = box().Ring();
  if (!ring) return tl::unexpected(ring.error());
  // A file-backed ring gets a fresh key; with LATCHKEY_SECRETS_KEY the operator supplies the new
  // key first in the list (old keys after it) and rotation re-seals everything with it.
  if ((*ring)->from_file()) {
    if (auto r = (*ring)->AddFreshActiveKey(); !r) return tl::unexpected(r.error());
  }
  auto count = store().ResealAll(
      [this](std::string const& secret_id, EncryptedValue const& value) -> Result<EncryptedValue> {
        auto plain = box().Open(secret_id, value);
        if (!plain) return tl::unexpected(plain.error());
        return box().Seal(secret_id, value.key, *plain);
      });
  if (!count) return count;
  if ((*ring)->from_file()) {
    if (auto r = (*ring)->DropInactiveKeys(); !r) return tl::unexpected(r.error());
  }
  return count;
}

}  // namespace latchkey
