// Typed reads of one member of a JSON object that came from outside (a peer's answer, a file a
// user registered). nlohmann's value() throws when the member has another type; these fall back.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace latchkey {

// The member `key` of `object` when it is a string, else `fallback` (also when `object` is not
// an object).
inline std::string JsonString(nlohmann::json const& object, char const* key,
                              std::string fallback = "") {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// The member `key` when it is an integer that fits in int64_t, else `fallback`.
inline int64_t JsonInteger(nlohmann::json const& object, char const* key, int64_t fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number_integer() && !(it->is_number_unsigned() && it->get<uint64_t>() > INT64_MAX)) {
    return it->get<int64_t>();
  }
  return fallback;
}

// The member `key` when it is a boolean, else `fallback`.
inline bool JsonBool(nlohmann::json const& object, char const* key, bool fallback) {
  if (!object.is_object()) return fallback;
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

// The member `key` when it is an object, else an empty object.
inline nlohmann::json const& JsonObjectAt(nlohmann::json const& object, char const* key) {
  static nlohmann::json const kEmpty = nlohmann::json::object();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_object() ? *it : kEmpty;
}

// The member `key` when it is an array, else an empty array.
inline nlohmann::json const& JsonArrayAt(nlohmann::json const& object, char const* key) {
  static nlohmann::json const kEmpty = nlohmann::json::array();
  if (!object.is_object()) return kEmpty;
  auto it = object.find(key);
  return it != object.end() && it->is_array() ? *it : kEmpty;
}

}  // namespace latchkey
