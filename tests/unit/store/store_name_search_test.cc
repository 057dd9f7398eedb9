// Conformance: `contains:`, `startswith:` and `endswith:` on connector and secret names answer
// exactly what the LIKE over every row answered before the trigram indexes (migration 8): ASCII
// case ignored, the user's '%', '_' and '\' literal, needles of one and two characters (which no
// trigram can serve) too, and the index kept in step by creates, renames, deletes and writes
// that fail or commit together.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "crypto/random.h"
#include "store_fixture.h"

namespace latchkey::testing {
namespace {

using NameSet = std::set<std::string>;

std::string LowerAscii(std::string text) {
  for (char& ch : text) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return text;
}

// LIKE's answer, written out: byte comparison with ASCII letters folded (UTF-8 never uses
// ASCII bytes inside a multi-byte character, so bytes and characters agree).
bool LikeMatches(FilterOp op, std::string const& name, std::string const& needle) {
  std::string n = LowerAscii(name);
  std::string v = LowerAscii(needle);
  if (v.size() > n.size()) return false;
  switch (op) {
    case FilterOp::kContains:
      return n.find(v) != std::string::npos;
    case FilterOp::kStartsWith:
      return n.compare(0, v.size(), v) == 0;
    case FilterOp::kEndsWith:
      return n.compare(n.size() - v.size(), v.size(), v) == 0;
    default:
      return false;
  }
}

NameSet Expected(NameSet const& names, FilterOp op, std::string const& needle) {
  NameSet out;
  for (auto const& n : names) {
    if (LikeMatches(op, n, needle)) out.insert(n);
  }
  return out;
}

ListQuery NameQuery(FilterOp op, std::string const& needle) {
  ListQuery q;
  q.fields = {FieldFilter{"name", op, {needle}}};
  q.size = kMaxPageSize;
  return q;
}

constexpr FilterOp kTextOps[] = {FilterOp::kContains, FilterOp::kStartsWith, FilterOp::kEndsWith};

// Names that LIKE's wildcards, its escape character, FTS5's query syntax and UTF-8 could each
// trip over. No cased non-ASCII letter here: PostgreSQL's ILIKE folds those by the database's
// locale, SQLite's LIKE does not (SqliteFoldsAsciiOnly checks that on its own).
constexpr char const* kTrickyNames[] = {
    "aws-prod", "AWS-staging", "my_aws",        "x%y",       "100%_done",
    "a\\b\\c",  "back\\slash", "under_score",   "un_der",    "q\"uote\"",
    "it's",     "star*^:-()",  "中文-registry", "€uro-€uro", "emoji-😀-ok",
    "😀😀😀",      "aaaa",        "AaAa",          "a",         "ab",
    "abc",      "a%b_c\\d",    "%%%",           "___",       "\\\\\\",
    "a b c",    "  spaced  ",  "MiXeD-CaSe",    "NEEDLE",    "haystack-needle-x"};

class NameSearchTest : public StoreTest {
 protected:
  void CreateConnectorsNamed(NameSet const& names) {
    for (auto const& n : names) {
      auto c = MakeConnector(n);
      ASSERT_TRUE(store_->CreateConnector(c, std::nullopt)) << n;
      connector_ids_[n] = c.id;
    }
  }
  void CreateSecretsNamed(NameSet const& names) {
    for (auto const& n : names) ASSERT_TRUE(store_->CreateSecret(MakeUserSecret(n))) << n;
  }
  NameSet ConnectorsMatching(FilterOp op, std::string const& needle) {
    auto page = store_->PageConnectors(NameQuery(op, needle));
    EXPECT_TRUE(page) << page.error().message;
    NameSet out;
    if (!page) return out;
    for (auto const& c : page->items) out.insert(c.name);
    EXPECT_EQ(page->total, static_cast<int64_t>(out.size())) << needle;
    return out;
  }
  NameSet SecretsMatching(FilterOp op, std::string const& needle) {
    auto page = store_->PageSecrets(NameQuery(op, needle));
    EXPECT_TRUE(page) << page.error().message;
    NameSet out;
    if (!page) return out;
    for (auto const& s : page->items) out.insert(s.name);
    EXPECT_EQ(page->total, static_cast<int64_t>(out.size())) << needle;
    return out;
  }
  // Every operator with `needle` against the connectors (and, with `secrets`, the secrets).
  void ExpectLike(NameSet const& names, std::string const& needle, bool secrets) {
    for (FilterOp op : kTextOps) {
      NameSet want = Expected(names, op, needle);
      EXPECT_EQ(ConnectorsMatching(op, needle), want)
          << OpName(op) << "'" << needle << "' on connectors";
      if (secrets) {
        EXPECT_EQ(SecretsMatching(op, needle), want)
            << OpName(op) << "'" << needle << "' on secrets";
      }
    }
  }

  std::map<std::string, std::string> connector_ids_;
};

TEST_P(NameSearchTest, TrickyNamesAnswerAsLike) {
  NameSet names(std::begin(kTrickyNames), std::end(kTrickyNames));
  CreateConnectorsNamed(names);
  CreateSecretsNamed(names);
  // Every substring of every name up to five bytes that is whole UTF-8, in its own case and
  // in ASCII upper case, plus needles found nowhere.
  std::set<std::string> needles = {"%",   "_",    "\\",   "\"",  "'",  "%_",  "_%",   "\\\\",
                                   "a%b", "a_b",  "a\\b", "a.b", "*",  "^",   "AWS",  "aWs-",
                                   "zzz", "中文", "😀",    "€",   "😀😀", "d\"", "q\"u", "-c"};
  for (auto const& n : names) {
    for (size_t i = 0; i < n.size(); ++i) {
      for (size_t len = 1; len <= 5 && i + len <= n.size(); ++len) {
        std::string sub = n.substr(i, len);
        if ((static_cast<unsigned char>(n[i]) & 0xC0) == 0x80) continue;
        if (i + len < n.size() && (static_cast<unsigned char>(n[i + len]) & 0xC0) == 0x80) continue;
        needles.insert(sub);
        std::string upper = sub;
        for (char& ch : upper) {
          if (ch >= 'a' && ch <= 'z') ch = static_cast<char>(ch - 'a' + 'A');
        }
        needles.insert(upper);
      }
    }
  }
  for (auto const& needle : needles) ExpectLike(names, needle, true);
}

TEST_P(NameSearchTest, RandomNamesAnswerAsLike) {
  // A small alphabet so that needles of every length hit often: LIKE's specials, a quote, ASCII
  // letters in both cases, a caseless CJK character and a four-byte one.
  std::vector<std::string> const alphabet = {"a",  "A",  "b", "B", "%",  "_",
                                             "\\", "\"", " ", "-", "中", "😀"};
  std::mt19937 rng(15);
  auto text = [&](size_t lo, size_t hi) {
    std::string out;
    size_t len = std::uniform_int_distribution<size_t>(lo, hi)(rng);
    for (size_t i = 0; i < len; ++i) {
      out += alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
    }
    return out;
  };
  NameSet names;
  while (names.size() < 120) names.insert(text(1, 10));
  CreateConnectorsNamed(names);
  for (int i = 0; i < 150; ++i) ExpectLike(names, text(1, 5), false);
}

TEST_P(NameSearchTest, IndexFollowsRenamesAndDeletes) {
  NameSet names = {"alpha-one", "beta-two", "gamma-three", "delta-four"};
  CreateConnectorsNamed(names);
  CreateSecretsNamed(names);
  ExpectLike(names, "two", true);

  auto beta = store_->FindConnector("beta-two");
  ASSERT_TRUE(beta);
  beta->name = "beta-renamed";
  ASSERT_TRUE(store_->UpdateConnector(*beta, std::nullopt));
  auto gamma = store_->FindConnector("gamma-three");
  ASSERT_TRUE(gamma);
  gamma->description = "only the description changes";
  ASSERT_TRUE(store_->UpdateConnector(*gamma, std::nullopt));
  ASSERT_TRUE(store_->DeleteConnector(connector_ids_["delta-four"]));
  NameSet now = {"alpha-one", "beta-renamed", "gamma-three"};
  for (auto needle : {"two", "renamed", "RENAME", "three", "four", "delta", "a-", "ta-"}) {
    for (FilterOp op : kTextOps) {
      EXPECT_EQ(ConnectorsMatching(op, needle), Expected(now, op, needle)) << needle;
    }
  }

  auto secret = store_->FindSecret("beta-two");
  ASSERT_TRUE(secret);
  secret->name = "beta-secret";
  ASSERT_TRUE(store_->UpdateSecret(*secret));
  auto alpha = store_->FindSecret("alpha-one");
  ASSERT_TRUE(alpha);
  ASSERT_TRUE(store_->DeleteSecret(alpha->id));
  NameSet secrets_now = {"beta-secret", "gamma-three", "delta-four"};
  for (auto needle : {"two", "secret", "alpha", "one", "four", "a-"}) {
    EXPECT_EQ(SecretsMatching(FilterOp::kContains, needle),
              Expected(secrets_now, FilterOp::kContains, needle))
        << needle;
  }
}

TEST_P(NameSearchTest, ConnectorsOwnSecretsAreNeverFound) {
  Connector c = MakeConnector("holder");
  auto internal = MakeInternalSecret(crypto::NewUuid());
  c.secret_id = internal.id;
  ASSERT_TRUE(store_->CreateConnector(c, internal));
  ASSERT_TRUE(store_->CreateSecret(MakeUserSecret("connector-lookalike")));
  EXPECT_EQ(SecretsMatching(FilterOp::kContains, "connector-"), NameSet{"connector-lookalike"});
  EXPECT_EQ(SecretsMatching(FilterOp::kStartsWith, "conn"), NameSet{"connector-lookalike"});
  ASSERT_TRUE(store_->DeleteConnector(c.id));
  EXPECT_EQ(SecretsMatching(FilterOp::kContains, "connector-"), NameSet{"connector-lookalike"});
}

// Writes from many threads commit together (SQLite's group commit, one transaction per batch) and
// some fail on a name already taken: the index holds the committed names only.
TEST_P(NameSearchTest, ConcurrentWritesKeepTheIndexInStep) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::vector<std::thread> threads;
  std::mutex mu;
  NameSet committed;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // Every third name is the same for all threads: one of them wins it.
        std::string name = i % 3 == 0 ? "shared-" + std::to_string(i)
                                      : "t" + std::to_string(t) + "-n" + std::to_string(i);
        if (store_->CreateConnector(MakeConnector(name), std::nullopt)) {
          std::lock_guard lock(mu);
          committed.insert(name);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  size_t shared = (kPerThread + 2) / 3;  // i = 0, 3, 6, ...
  EXPECT_EQ(committed.size(), shared + kThreads * (kPerThread - shared));
  for (auto needle : {"shared", "red-1", "t3-", "-n1", "n39", "t5-n2", "ared-3"}) {
    for (FilterOp op : kTextOps) {
      EXPECT_EQ(ConnectorsMatching(op, needle), Expected(committed, op, needle)) << needle;
    }
  }
}

// SQLite's LIKE folds ASCII letters only; the trigram index folds more (É and é are one
// trigram to it) but only narrows, so the answer stays LIKE's. PostgreSQL's ILIKE folds by the
// database's locale, as it did before the index.
using SqliteNameSearchTest = NameSearchTest;

TEST_P(SqliteNameSearchTest, FoldsAsciiOnly) {
  NameSet names = {"Élan-vital", "élan-vital", "ÉLAN", "straße", "STRASSE"};
  CreateConnectorsNamed(names);
  EXPECT_EQ(ConnectorsMatching(FilterOp::kContains, "élan"), NameSet{"élan-vital"});
  EXPECT_EQ(ConnectorsMatching(FilterOp::kContains, "Élan"), (NameSet{"Élan-vital", "ÉLAN"}))
      << "the ASCII letters fold, É stays É";
  EXPECT_EQ(ConnectorsMatching(FilterOp::kContains, "LAN-VITAL"),
            (NameSet{"Élan-vital", "élan-vital"}));
  EXPECT_EQ(ConnectorsMatching(FilterOp::kStartsWith, "ÉLA"), (NameSet{"ÉLAN", "Élan-vital"}));
  EXPECT_EQ(ConnectorsMatching(FilterOp::kContains, "ss"), NameSet{"STRASSE"});
  EXPECT_EQ(ConnectorsMatching(FilterOp::kEndsWith, "aße"), NameSet{"straße"});
}

INSTANTIATE_TEST_SUITE_P(Backends, NameSearchTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres), BackendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, SqliteNameSearchTest, ::testing::Values(Backend::kSqlite),
                         BackendName);

}  // namespace
}  // namespace latchkey::testing
