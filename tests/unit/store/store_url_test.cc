// Store URLs: which database they name, and passwords never reaching a message.
#include "store/store_url.h"

#include <gtest/gtest.h>

#include "store/open_store.h"
#include "store/postgres/pg_connection.h"
#include "test_postgres.h"

namespace latchkey {
namespace {

TEST(StoreUrlTest, PicksTheBackend) {
  auto a = ParseStoreUrl("sqlite:///var/lib/latchkey/store.db");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->kind, StoreLocation::Kind::kSqlite);
  EXPECT_EQ(a->target, "/var/lib/latchkey/store.db");
  auto b = ParseStoreUrl("/home/u/.latchkey/latchkey.db");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->kind, StoreLocation::Kind::kSqlite);
  EXPECT_EQ(b->target, "/home/u/.latchkey/latchkey.db");
  EXPECT_EQ(ParseStoreUrl("relative/x.db")->target, "relative/x.db");
  for (char const* url : {"postgresql://u:p@db:5432/latchkey", "postgres://db/latchkey",
                          "POSTGRESQL://db/x?sslmode=require"}) {
    auto p = ParseStoreUrl(url);
    ASSERT_TRUE(p) << url;
    EXPECT_EQ(p->kind, StoreLocation::Kind::kPostgres);
    EXPECT_EQ(p->target, url);
  }
  auto rel = ParseStoreUrl("sqlite://relative.db");
  ASSERT_FALSE(rel);
  EXPECT_EQ(rel.error().code, ErrorCode::kInvalidArgument);
  auto other = ParseStoreUrl("mysql://root:hunter2@db/x");
  ASSERT_FALSE(other);
  EXPECT_NE(other.error().message.find("unsupported store URL scheme 'mysql'"), std::string::npos);
  EXPECT_EQ(other.error().message.find("hunter2"), std::string::npos);
  EXPECT_FALSE(ParseStoreUrl(""));
}

TEST(StoreUrlTest, RedactsEveryPasswordForm) {
  EXPECT_EQ(RedactUrl("postgresql://latchkey:s3cr%40t@127.0.0.1:5432/db"),
            "postgresql://latchkey:***@127.0.0.1:5432/db");
  EXPECT_EQ(RedactUrl("postgresql://latchkey@h/db?password=abc&sslmode=require"),
            "postgresql://latchkey@h/db?password=***&sslmode=require");
  EXPECT_EQ(RedactUrl("postgresql://u:pw@h/db?password=other"),
            "postgresql://u:***@h/db?password=***");
  EXPECT_EQ(RedactUrl("host=h password='a b' user=u"), "host=h password='***' user=u");
  EXPECT_EQ(RedactUrl("postgresql://nobody@h/db"), "postgresql://nobody@h/db");
  EXPECT_EQ(RedactUrl("/plain/path.db"), "/plain/path.db");
  // A user name with '@' percent-encoded, a password with ':' in it.
  EXPECT_EQ(RedactUrl("postgres://a%40b:x:y@h/db"), "postgres://a%40b:***@h/db");
}

TEST(StoreUrlTest, ScrubsWrittenAndDecodedPasswordsFromMessages) {
  std::string url = "postgresql://latchkey:s3cr%40t@127.0.0.1:5432/db";
  std::string message = "cannot reach " + url + " (password s3cr@t rejected; s3cr%40t)";
  std::string scrubbed = ScrubPassword(message, url);
  EXPECT_EQ(scrubbed.find("s3cr"), std::string::npos) << scrubbed;
  EXPECT_NE(scrubbed.find("postgresql://latchkey:***@127.0.0.1:5432/db"), std::string::npos);
  EXPECT_EQ(ScrubPassword("nothing to hide", "postgresql://h/db"), "nothing to hide");
}

TEST(StoreUrlTest, UnreachableServerErrorHasNoPassword) {
  // Port 1 on loopback: refused at once.
  std::string url = "postgresql://latchkey:Very-Secret_pw@127.0.0.1:1/latchkey?connect_timeout=5";
  auto store = OpenStore(url);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(store.error().message.find("Very-Secret_pw"), std::string::npos)
      << store.error().message;
  EXPECT_NE(store.error().message.find("latchkey:***@127.0.0.1:1"), std::string::npos)
      << store.error().message;
}

TEST(StoreUrlTest, WrongPasswordErrorHasNoPassword) {
  auto& pg = testing::TestPostgres::Get();
  ASSERT_TRUE(pg.EnsureStarted()) << "PostgreSQL is not available: " << pg.error();
  std::string url = pg.url();
  size_t at = url.rfind('@'), colon = url.find(':', url.find("://") + 3);
  ASSERT_NE(at, std::string::npos);
  std::string wrong = url.substr(0, colon + 1) + "Wrong-Pass-123" + url.substr(at);
  auto store = OpenStore(wrong);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find("password authentication failed"), std::string::npos)
      << store.error().message;
  EXPECT_EQ(store.error().message.find("Wrong-Pass-123"), std::string::npos)
      << store.error().message;
  std::string real = url.substr(colon + 1, at - colon - 1);
  EXPECT_EQ(store.error().message.find(real), std::string::npos);
}

TEST(PlaceholderTest, RewritesOutsideQuotesAndComments) {
  size_t n = 0;
  EXPECT_EQ(postgres::RewritePlaceholders("SELECT a FROM t WHERE x = ? AND y = ?", &n),
            "SELECT a FROM t WHERE x = $1 AND y = $2");
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(postgres::RewritePlaceholders("SELECT '?', \"a?\", ? -- what?\n, ? /* ? */", &n),
            "SELECT '?', \"a?\", $1 -- what?\n, $2 /* ? */");
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(postgres::RewritePlaceholders("SELECT 'it''s ?', ?", &n), "SELECT 'it''s ?', $1");
  EXPECT_EQ(n, 1u);
  EXPECT_EQ(postgres::RewritePlaceholders("VALUES(?,?,?,?,?,?,?,?,?,?)", &n),
            "VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)");
  EXPECT_EQ(n, 10u);
}

}  // namespace
}  // namespace latchkey
