// A small thread-safe Prometheus registry: counters, gauges and fixed-bucket histograms with
// label sets, rendered in the text exposition format 0.0.4. Nothing here knows about HTTP, so
// any component (credential issuance, caches, upstream calls) registers its own metrics:
//
//   auto& issued = registry.AddCounter("latchkey_credentials_issued_total",
//                                      "Credentials handed out.", {"connector_type"});
//   issued.WithLabels({"aws"}).Inc();
//
// Families and series live as long as the registry and never move, so a hot path may keep the
// Counter& it got once. Label values should come from small fixed sets (a route template, a
// connector type), never from raw client input: every distinct value is a series kept forever.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace latchkey::server {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

class Counter {
 public:
  void Inc(double amount = 1.0);  // negative amounts are ignored: a counter only goes up
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Inc(double amount = 1.0) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void Dec(double amount = 1.0) { value_.fetch_sub(amount, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds` are the finite upper bounds (sorted and de-duplicated here); +Inf is implicit.
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);  // NaN is dropped rather than poisoning the sum

  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // per bound, "value <= bound"
    uint64_t count = 0;                // the +Inf bucket
    double sum = 0.0;
  };
  // Consistent across buckets, count and sum (taken under one lock).
  Snapshot Take() const;

 private:
  std::vector<double> bounds_;
  mutable std::mutex mu_;
  std::vector<uint64_t> counts_;  // per bound, not cumulative; counts_.back() is the +Inf overflow
  double sum_ = 0.0;
};

// 5 ms .. 10 s: the range of a request that touches a database or a cloud API.
std::vector<double> DefaultLatencyBuckets();

class MetricFamilyBase {
 public:
  virtual ~MetricFamilyBase() = default;
  std::string const& name() const { return name_; }
  std::vector<std::string> const& label_names() const { return label_names_; }
  // Appends this family's HELP, TYPE and sample lines.
  virtual void Render(std::string& out) const = 0;

 protected:
  MetricFamilyBase(std::string name, std::string help, std::string type,
                   std::vector<std::string> label_names);
  void RenderHeader(std::string& out) const;

  std::string name_;
  std::string help_;
  std::string type_;
  std::vector<std::string> label_names_;
};

template <class Series>
class MetricFamily : public MetricFamilyBase {
 public:
  MetricFamily(std::string name, std::string help, std::string type,
               std::vector<std::string> label_names, std::vector<double> bounds = {});

  // The series for these label values (one per label name, in order), created on first use.
  // Missing values count as "" and extra ones are dropped: a wrong arity is a bug, not a reason
  // to take a request down.
  Series& WithLabels(std::vector<std::string> values);
  // For a family without labels.
  Series& Get() { return WithLabels({}); }

  void Render(std::string& out) const override;

 private:
  std::vector<double> bounds_;  // histograms only
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Series>> series_;
};

using CounterFamily = MetricFamily<Counter>;
using GaugeFamily = MetricFamily<Gauge>;
using HistogramFamily = MetricFamily<Histogram>;

class MetricsRegistry {
 public:
  // Get-or-create by name: a second call with the same name, type and label names returns the
  // first family, so components may register in their constructors. Names must match
  // [a-zA-Z_:][a-zA-Z0-9_:]* and label names [a-zA-Z_][a-zA-Z0-9_]* (not "__*", nor "le" on a
  // histogram). A clash (same name, other type or labels) or an invalid name yields a working
  // family that is left out of Render, and Problems() lists it for a start-up check or a test.
  CounterFamily& AddCounter(std::string_view name, std::string_view help,
                            std::vector<std::string> label_names = {});
  GaugeFamily& AddGauge(std::string_view name, std::string_view help,
                        std::vector<std::string> label_names = {});
  HistogramFamily& AddHistogram(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names = {},
                                std::vector<double> bounds = DefaultLatencyBuckets());

  // Text exposition format 0.0.4, families sorted by name, series by label values.
  std::string Render() const;
  std::vector<std::string> Problems() const;

 private:
  template <class Family>
  Family& Add(std::string_view name, std::string_view help, std::string_view type,
              std::vector<std::string> label_names, std::vector<double> bounds);

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<MetricFamilyBase>, std::less<>> families_;
  std::vector<std::unique_ptr<MetricFamilyBase>> rejected_;
  std::vector<std::string> problems_;
};

}  // namespace latchkey::server
