#include "server/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace latchkey::server {
namespace {

std::string FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

// HELP text escapes backslash and newline; label values also escape the double quote.
std::string Escape(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote) {
      out += "\\\"";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// {a="x",b="y"} plus an optional trailing le="..."; nothing at all for no labels.
std::string LabelSet(std::vector<std::string> const& names, std::vector<std::string> const& values,
                     std::string_view le = {}) {
  if (names.empty() && le.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i] + "=\"" + Escape(values[i], true) + "\"";
  }
  if (!le.empty()) {
    if (!names.empty()) out += ',';
    out += "le=\"" + std::string(le) + "\"";
  }
  return out + "}";
}

bool ValidName(std::string_view name, bool allow_colon) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (allow_colon && c == ':') || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

void AppendSample(std::string& out, std::string_view name, std::string const& labels,
                  double value) {
  out.append(name).append(labels).append(" ").append(FormatNumber(value)).append("\n");
}

}  // namespace

void Counter::Inc(double amount) {
  if (amount > 0) value_.fetch_add(amount, std::memory_order_relaxed);
}

Histogram::Histogram(std::vector<double> bounds) : bounds_(std::move(bounds)) {
  std::erase_if(bounds_, [](double b) { return !std::isfinite(b); });
  std::sort(bounds_.begin(), bounds_.end());
  bounds_.erase(std::unique(bounds_.begin(), bounds_.end()), bounds_.end());
  counts_.assign(bounds_.size() + 1, 0);
}

void Histogram::Observe(double value) {
  if (std::isnan(value)) return;
  // Buckets are inclusive ("le"): the first bound >= value.
  size_t index = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  std::lock_guard lock(mu_);
  ++counts_[index];
  sum_ += value;
}

Histogram::Snapshot Histogram::Take() const {
  Snapshot snapshot;
  snapshot.bounds = bounds_;
  std::lock_guard lock(mu_);
  uint64_t running = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    running += counts_[i];
    snapshot.cumulative.push_back(running);
  }
  snapshot.count = running + counts_.back();
  snapshot.sum = sum_;
  return snapshot;
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricFamilyBase::MetricFamilyBase(std::string name, std::string help, std::string type,
                                   std::vector<std::string> label_names)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(std::move(type)),
      label_names_(std::move(label_names)) {}

void MetricFamilyBase::RenderHeader(std::string& out) const {
  out += "# HELP " + name_ + " " + Escape(help_, false) + "\n";
  out += "# TYPE " + name_ + " " + type_ + "\n";
}

template <class Series>
MetricFamily<Series>::MetricFamily(std::string name, std::string help, std::string type,
                                   std::vector<std::string> label_names, std::vector<double> bounds)
    : MetricFamilyBase(std::move(name), std::move(help), std::move(type), std::move(label_names)),
      bounds_(std::move(bounds)) {}

template <class Series>
Series& MetricFamily<Series>::WithLabels(std::vector<std::string> values) {
  values.resize(label_names_.size());
  std::lock_guard lock(mu_);
  auto& slot = series_[std::move(values)];
  if (!slot) {
    if constexpr (std::is_same_v<Series, Histogram>) {
      slot = std::make_unique<Histogram>(bounds_);
    } else {
      slot = std::make_unique<Series>();
    }
  }
  return *slot;
}

template <class Series>
void MetricFamily<Series>::Render(std::string& out) const {
  RenderHeader(out);
  std::lock_guard lock(mu_);
  for (auto const& [values, series] : series_) {
    if constexpr (std::is_same_v<Series, Histogram>) {
      Histogram::Snapshot s = series->Take();
      std::string bucket = name_ + "_bucket";
      for (size_t i = 0; i < s.bounds.size(); ++i) {
        AppendSample(out, bucket, LabelSet(label_names_, values, FormatNumber(s.bounds[i])),
                     static_cast<double>(s.cumulative[i]));
      }
      AppendSample(out, bucket, LabelSet(label_names_, values, "+Inf"),
                   static_cast<double>(s.count));
      AppendSample(out, name_ + "_sum", LabelSet(label_names_, values), s.sum);
      AppendSample(out, name_ + "_count", LabelSet(label_names_, values),
                   static_cast<double>(s.count));
    } else {
      AppendSample(out, name_, LabelSet(label_names_, values), series->Value());
    }
  }
}

template class MetricFamily<Counter>;
template class MetricFamily<Gauge>;
template class MetricFamily<Histogram>;

template <class Family>
Family& MetricsRegistry::Add(std::string_view name, std::string_view help, std::string_view type,
                             std::vector<std::string> label_names, std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  std::string problem;
  if (!ValidName(name, /*allow_colon=*/true)) problem = "invalid metric name";
  for (std::string const& label : label_names) {
    if (!ValidName(label, false) || label.starts_with("__") ||
        (type == "histogram" && label == "le")) {
      problem = "invalid label name '" + label + "'";
    }
  }
  auto existing = families_.find(name);
  if (problem.empty() && existing != families_.end()) {
    auto* same = dynamic_cast<Family*>(existing->second.get());
    if (same != nullptr && same->label_names() == label_names) return *same;
    problem = "registered before with another type or other labels";
  }
  auto family = std::make_unique<Family>(std::string(name), std::string(help), std::string(type),
                                         std::move(label_names), std::move(bounds));
  Family& result = *family;
  if (problem.empty()) {
    families_.emplace(std::string(name), std::move(family));
  } else {
    problems_.push_back("metric " + std::string(name) + ": " + problem);
    rejected_.push_back(std::move(family));
  }
  return result;
}

CounterFamily& MetricsRegistry::AddCounter(std::string_view name, std::string_view help,
                                           std::vector<std::string> label_names) {
  return Add<CounterFamily>(name, help, "counter", std::move(label_names), {});
}

GaugeFamily& MetricsRegistry::AddGauge(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names) {
  return Add<GaugeFamily>(name, help, "gauge", std::move(label_names), {});
}

HistogramFamily& MetricsRegistry::AddHistogram(std::string_view name, std::string_view help,
                                               std::vector<std::string> label_names,
                                               std::vector<double> bounds) {
  return Add<HistogramFamily>(name, help, "histogram", std::move(label_names), std::move(bounds));
}

std::string MetricsRegistry::Render() const {
  std::string out;
  std::lock_guard lock(mu_);
  for (auto const& [name, family] : families_) family->Render(out);
  return out;
}

std::vector<std::string> MetricsRegistry::Problems() const {
  std::lock_guard lock(mu_);
  return problems_;
}

}  // namespace latchkey::server
