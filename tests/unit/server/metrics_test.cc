#include "server/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "metrics_text.h"

namespace latchkey::server {
namespace {

using testing::ParseExposition;

TEST(MetricsTest, RendersCountersAndGaugesWithHelpAndType) {
  MetricsRegistry registry;
  auto& issued = registry.AddCounter("latchkey_credentials_issued_total", "Credentials handed out.",
                                     {"connector_type"});
  issued.WithLabels({"aws"}).Inc();
  issued.WithLabels({"aws"}).Inc(2);
  issued.WithLabels({"docker"}).Inc();
  issued.WithLabels({"docker"}).Inc(-5);  // ignored: counters only go up
  auto& open = registry.AddGauge("latchkey_open_connections", "Open connections.");
  open.Get().Inc(3);
  open.Get().Dec();

  std::string text = registry.Render();
  EXPECT_EQ(text,
            "# HELP latchkey_credentials_issued_total Credentials handed out.\n"
            "# TYPE latchkey_credentials_issued_total counter\n"
            "latchkey_credentials_issued_total{connector_type=\"aws\"} 3\n"
            "latchkey_credentials_issued_total{connector_type=\"docker\"} 1\n"
            "# HELP latchkey_open_connections Open connections.\n"
            "# TYPE latchkey_open_connections gauge\n"
            "latchkey_open_connections 2\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.AddCounter("x_total", "back\\slash\nnew \"line\"", {"v"})
      .WithLabels({"a\"b\\c\nd"})
      .Inc();
  std::string text = registry.Render();
  EXPECT_NE(text.find("# HELP x_total back\\\\slash\\nnew \"line\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("x_total{v=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithSumAndCount) {
  MetricsRegistry registry;
  auto& latency = registry.AddHistogram("op_seconds", "Latency.", {"op"}, {0.5, 0.1, 1});
  Histogram& read = latency.WithLabels({"read"});
  for (double v : {0.05, 0.1, 0.2, 0.7, 3.0}) read.Observe(v);
  read.Observe(std::nan(""));

  auto samples = ParseExposition(registry.Render());
  EXPECT_EQ(samples.at("op_seconds_bucket{op=\"read\",le=\"0.1\"}"), 2);  // le is inclusive
  EXPECT_EQ(samples.at("op_seconds_bucket{op=\"read\",le=\"0.5\"}"), 3);
  EXPECT_EQ(samples.at("op_seconds_bucket{op=\"read\",le=\"1\"}"), 4);
  EXPECT_EQ(samples.at("op_seconds_bucket{op=\"read\",le=\"+Inf\"}"), 5);
  EXPECT_EQ(samples.at("op_seconds_count{op=\"read\"}"), 5);
  EXPECT_DOUBLE_EQ(samples.at("op_seconds_sum{op=\"read\"}"), 4.05);
}

TEST(MetricsTest, SameNameReturnsTheSameFamilyAndClashesAreReported) {
  MetricsRegistry registry;
  auto& first = registry.AddCounter("hits_total", "Hits.", {"cache"});
  auto& again = registry.AddCounter("hits_total", "Hits.", {"cache"});
  EXPECT_EQ(&first, &again);
  EXPECT_TRUE(registry.Problems().empty());

  registry.AddGauge("hits_total", "Hits.", {"cache"}).Get().Set(1);  // other type
  registry.AddCounter("hits_total", "Hits.", {"other"});             // other labels
  registry.AddCounter("bad-name", "Bad.");                           // invalid name
  registry.AddHistogram("h", "H.", {"le"});                          // reserved label
  EXPECT_EQ(registry.Problems().size(), 4u);
  std::string text = registry.Render();
  EXPECT_EQ(text.find("bad-name"), std::string::npos);
  EXPECT_EQ(text.find("TYPE hits_total gauge"), std::string::npos);
}

TEST(MetricsTest, LabelArityMismatchDoesNotCrash) {
  MetricsRegistry registry;
  auto& family = registry.AddCounter("c_total", "C.", {"a", "b"});
  family.WithLabels({"only-a"}).Inc();
  family.WithLabels({"x", "y", "extra"}).Inc();
  auto samples = ParseExposition(registry.Render());
  EXPECT_EQ(samples.at("c_total{a=\"only-a\",b=\"\"}"), 1);
  EXPECT_EQ(samples.at("c_total{a=\"x\",b=\"y\"}"), 1);
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  auto& counter = registry.AddCounter("n_total", "N.", {"t"});
  auto& histogram = registry.AddHistogram("d_seconds", "D.");
  constexpr int kThreads = 4, kPerThread = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        counter.WithLabels({t % 2 == 0 ? "even" : "odd"}).Inc();
        histogram.Get().Observe(0.001 * i);
        if (i % 1000 == 0) registry.Render();  // rendering while writing must be safe
      }
    });
  }
  for (auto& thread : threads) thread.join();
  auto samples = ParseExposition(registry.Render());
  EXPECT_EQ(samples.at("n_total{t=\"even\"}") + samples.at("n_total{t=\"odd\"}"),
            kThreads * kPerThread);
  EXPECT_EQ(samples.at("d_seconds_count"), kThreads * kPerThread);
}

}  // namespace
}  // namespace latchkey::server
