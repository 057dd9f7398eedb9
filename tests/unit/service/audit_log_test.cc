#include "service/audit_log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "common/strings.h"
#include "crypto/random.h"

namespace latchkey {
namespace {

namespace fs = std::filesystem;

std::string const kKey = "0123456789abcdef-audit-key";

class AuditLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("latchkey-audit-" + crypto::NewUuid());
    fs::create_directories(dir_);
    path_ = (dir_ / "audit.log").string();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<AuditLog> OpenLog(std::function<TimePoint()> clock = &Now) {
    auto log = AuditLog::Open(path_, kKey, std::move(clock));
    EXPECT_TRUE(log) << log.error().message;
    return log ? std::move(*log) : nullptr;
  }
  std::string Contents() const {
    std::string text;
    EXPECT_TRUE(ReadFile(path_, text));
    return text;
  }
  std::vector<nlohmann::json> Lines() const {
    std::vector<nlohmann::json> out;
    std::string text = Contents();
    EXPECT_TRUE(text.empty() || text.back() == '\n');
    std::vector<std::string> lines = Split(text, '\n');
    lines.pop_back();  // after the final newline
    for (std::string const& line : lines) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  fs::path dir_;
  std::string path_;
};

AuditEvent ConnectorUpdate() {
  AuditEvent e;
  e.actor_id = "u-1";
  e.actor_name = "alice";
  e.action = "connector.update";
  e.target_id = "c-1";
  e.target_name = "registry";
  return e;
}

TEST_F(AuditLogTest, WritesOneJsonObjectPerLine) {
  auto log = OpenLog([] { return *ParseTimestamp("2027-01-15T08:00:00Z"); });
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->Append(ConnectorUpdate()));
  AuditEvent issue = ConnectorUpdate();
  issue.action = "credentials.issue";
  issue.resource_type = "docker-registry";
  issue.resource_id = "registry.example.com";
  issue.result = AuditLog::ResultOf(Error{ErrorCode::kPermissionDenied, "no"});
  ASSERT_TRUE(log->Append(issue));

  std::vector<nlohmann::json> lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["time"], "2027-01-15T08:00:00Z");
  EXPECT_EQ(lines[0]["actor"], (nlohmann::json{{"id", "u-1"}, {"name", "alice"}}));
  EXPECT_EQ(lines[0]["action"], "connector.update");
  EXPECT_EQ(lines[0]["target"], (nlohmann::json{{"id", "c-1"}, {"name", "registry"}}));
  EXPECT_EQ(lines[0]["result"], "ok");
  EXPECT_FALSE(lines[0].contains("resource_type"));
  EXPECT_FALSE(lines[0].contains("fingerprints"));
  EXPECT_EQ(lines[1]["action"], "credentials.issue");
  EXPECT_EQ(lines[1]["resource_type"], "docker-registry");
  EXPECT_EQ(lines[1]["resource_id"], "registry.example.com");
  EXPECT_EQ(lines[1]["result"], "permission_denied");
}

TEST_F(AuditLogTest, SecretValuesAppearOnlyAsFingerprints) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  std::string const secret = "hunter2-" + crypto::NewUuid();
  AuditEvent e = ConnectorUpdate();
  e.fingerprint_values = {{"password", secret}, {"token", "other"}};
  ASSERT_TRUE(log->Append(e));
  ASSERT_TRUE(log->Append(e));

  EXPECT_EQ(Contents().find(secret), std::string::npos);
  EXPECT_EQ(Contents().find("hunter2"), std::string::npos);
  std::vector<nlohmann::json> lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  std::string fingerprint = lines[0]["fingerprints"]["password"];
  EXPECT_EQ(fingerprint, AuditLog::Fingerprint(kKey, secret));
  EXPECT_EQ(fingerprint.size(), 64u);
  EXPECT_EQ(lines[1]["fingerprints"]["password"], fingerprint);  // same value, same fingerprint
  EXPECT_NE(lines[0]["fingerprints"]["token"], fingerprint);
  EXPECT_NE(AuditLog::Fingerprint("another-key-of-16-bytes", secret), fingerprint);
}

TEST_F(AuditLogTest, FingerprintIsHmacSha256) {
  // RFC 4231, test case 2.
  EXPECT_EQ(AuditLog::Fingerprint("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_F(AuditLogTest, FileIsPrivate) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(AuditLogTest, AnExistingFileIsNarrowedAndAppendedTo) {
  { std::ofstream(path_) << "{\"earlier\":true}\n"; }
  fs::permissions(path_, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                             fs::perms::others_read);
  auto log = OpenLog();
  ASSERT_TRUE(log);
  ASSERT_TRUE(log->Append(ConnectorUpdate()));
  struct stat st {};
  ASSERT_EQ(::stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::vector<nlohmann::json> lines = Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(lines[0]["earlier"]);
}

// Two logs on one file stand for two processes: separate open file descriptions, as after fork.
TEST_F(AuditLogTest, ConcurrentWritersProduceWholeLines) {
  constexpr int kThreads = 8;
  constexpr int kLinesEach = 200;
  auto first = OpenLog();
  auto second = OpenLog();
  ASSERT_TRUE(first && second);
  // Long lines, well past PIPE_BUF, so a writer that split them would show (every field is
  // within its cap, so nothing is cut).
  std::string const padding(kMaxAuditFieldBytes, 'p');
  std::map<std::string, std::string> fingerprinted;
  for (int i = 0; i < 20; ++i) fingerprinted[std::to_string(i) + padding.substr(0, 200)] = "v";
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      AuditLog& log = t % 2 ? *first : *second;
      for (int i = 0; i < kLinesEach; ++i) {
        AuditEvent e = ConnectorUpdate();
        e.target_id = std::to_string(t) + ":" + std::to_string(i);
        e.target_name = padding;
        e.fingerprint_values = fingerprinted;
        EXPECT_TRUE(log.Append(e));
      }
    });
  }
  for (auto& t : threads) t.join();

  std::set<std::string> seen;
  for (nlohmann::json const& line : Lines()) {  // throws (and fails) on a torn line
    EXPECT_EQ(line["target"]["name"], padding);
    seen.insert(line["target"]["id"].get<std::string>());
  }
  EXPECT_EQ(seen.size(), size_t{kThreads * kLinesEach});
}

TEST_F(AuditLogTest, NamesThatAreNotUtf8DoNotBreakTheLine) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  AuditEvent e = ConnectorUpdate();
  e.actor_name = "bad\xff\xfe name\nwith newline";
  ASSERT_TRUE(log->Append(e));
  std::vector<nlohmann::json> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0]["actor"]["name"].get<std::string>().find("with newline"), std::string::npos);
}

TEST_F(AuditLogTest, RefusesAShortKeyAndAPathThatIsNotAFile) {
  auto short_key = AuditLog::Open(path_, "short");
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(AuditLog::Open(dir_.string(), kKey));
  EXPECT_FALSE(AuditLog::Open((dir_ / "missing" / "audit.log").string(), kKey));
}

// Issue 14 (1): every field an unauthenticated caller chooses is cut to a bound.
TEST_F(AuditLogTest, EveryFieldIsBounded) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  std::string const huge(1 << 20, 'u');
  AuditEvent e;
  e.actor_id = e.actor_name = e.action = e.target_id = e.target_name = e.result = huge;
  e.resource_type = e.resource_id = huge;
  for (int i = 0; i < 1000; ++i)
    e.fingerprint_values[std::to_string(i) + huge.substr(0, 4096)] = "v";
  ASSERT_TRUE(log->Append(e));
  EXPECT_LT(Contents().size(), 16u * 1024) << "a 1 MiB name must not cost 1 MiB of log";
  std::vector<nlohmann::json> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  std::string name = lines[0]["actor"]["name"];
  EXPECT_EQ(name.substr(0, kMaxAuditFieldBytes), huge.substr(0, kMaxAuditFieldBytes));
  EXPECT_NE(name.find("more bytes]"), std::string::npos) << "a cut field says so";
  EXPECT_EQ(lines[0]["fingerprints"].size(), kMaxAuditFingerprints);
  EXPECT_EQ(lines[0]["fingerprints_omitted"], 1000 - kMaxAuditFingerprints);
}

TEST_F(AuditLogTest, RotatesBySizeKeepingNFiles) {
  auto log = AuditLog::Open(path_, kKey, &Now, AuditLogRotation{4096, 2});
  ASSERT_TRUE(log) << log.error().message;
  for (int i = 0; i < 200; ++i) {
    AuditEvent e = ConnectorUpdate();
    e.target_id = std::to_string(i);
    ASSERT_TRUE((*log)->Append(e));
  }
  uint64_t total = 0;
  for (std::string suffix : {"", ".1", ".2"}) {
    ASSERT_TRUE(fs::exists(path_ + suffix)) << suffix;
    total += fs::file_size(path_ + suffix);
    EXPECT_LT(fs::file_size(path_ + suffix), 4096u + 512) << suffix;
    struct stat st {};
    ASSERT_EQ(::stat((path_ + suffix).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  EXPECT_FALSE(fs::exists(path_ + ".3")) << "only `keep` rotated files";
  EXPECT_LT(total, 3u * (4096 + 512));
  // The newest lines are in the live file, whole.
  std::vector<nlohmann::json> lines = Lines();
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["target"]["id"], "199");
}

// A second writer (another replica on the same file) finds the file already rotated: it
// reopens the new file instead of rotating a second time.
TEST_F(AuditLogTest, ASecondWriterFollowsARotationInsteadOfRepeatingIt) {
  auto first = AuditLog::Open(path_, kKey, &Now, AuditLogRotation{2048, 3});
  auto second = AuditLog::Open(path_, kKey, &Now, AuditLogRotation{2048, 3});
  ASSERT_TRUE(first && second);
  int i = 0;
  while (!fs::exists(path_ + ".1")) ASSERT_TRUE((*first)->Append(ConnectorUpdate())) << ++i;
  ASSERT_TRUE((*second)->Append(ConnectorUpdate()));  // its file is now audit.log.1
  ASSERT_TRUE((*second)->Append(ConnectorUpdate()));  // reopened: lands in the new audit.log
  EXPECT_FALSE(fs::exists(path_ + ".2"));
  EXPECT_EQ(Lines().size(), 1u);
}

TEST(AuditLogResult, NamesErrorCodes) {
  EXPECT_EQ(AuditLog::ResultOf(Error{ErrorCode::kNotFound, ""}), "not_found");
  EXPECT_EQ(AuditLog::ResultOf(Error{ErrorCode::kConflict, ""}), "conflict");
}

// Found by fuzz_audit_log: JSON escapes C0 only; DEL and C1 (an 8-bit CSI) reached the file raw.
TEST_F(AuditLogTest, DelAndC1ControlsAreEscaped) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  AuditEvent e = ConnectorUpdate();
  // CSI, DEL, then a no-break space (kept); literals split so \x stops after two digits.
  e.actor_name =
      "x\xc2\x9b"
      "31m\x7f"
      "y\xc2\xa0"
      "z";
  ASSERT_TRUE(log->Append(e));
  std::string text = Contents();
  EXPECT_EQ(text.find('\x7f'), std::string::npos);
  EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
  EXPECT_NE(text.find(R"(x\u009b31m\u007fy)"), std::string::npos) << text;
  EXPECT_EQ(Lines()[0]["actor"]["name"], e.actor_name);
}

}  // namespace
}  // namespace latchkey
