// Placeholder PEM blocks for the Kubernetes connector tests: they have the PEM shape the code
// checks for, not real keys.
#pragma once

namespace latchkey::testing {

inline constexpr char kCaPem[] =
    "-----BEGIN CERTIFICATE-----\nMIIBCAFAKECA\n-----END CERTIFICATE-----\n";
inline constexpr char kCertPem[] =
    "-----BEGIN CERTIFICATE-----\nMIIBCLIENTCERT\n-----END CERTIFICATE-----\n";
inline constexpr char kKeyPem[] =
    "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEISECRETKEY\n-----END EC PRIVATE KEY-----\n";

}  // namespace latchkey::testing
