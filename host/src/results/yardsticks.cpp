#include "costops/host/yardsticks.hpp"

#include <variant>

namespace costops::host {

namespace {

const MetricValue* plugin_metric(const TargetResult& t, std::string_view key) {
  if (!t.measurement) return nullptr;
  for (const auto& [name, value] : t.measurement->plugin_metrics)
    if (name == key) return &value;
  return nullptr;
}

const TargetResult* find_target(const SuiteReport& report, const std::string& id) {
  for (const auto& t : report.targets)
    if (t.target_id == id) return &t;
  return nullptr;
}

std::optional<YardstickRow> declared_yardstick(const TargetResult& t) {
  const MetricValue* peer = plugin_metric(t, kYardstickTargetMetric);
  const MetricValue* goal = plugin_metric(t, kYardstickGoalMetric);
  if (!peer || !goal || !std::holds_alternative<std::string>(*peer) ||
      !std::holds_alternative<double>(*goal))
    return std::nullopt;
  YardstickRow row;
  row.target_id = t.target_id;
  row.peer_id = std::get<std::string>(*peer);
  row.goal_ratio = std::get<double>(*goal);
  return row;
}

}  // namespace

std::vector<YardstickRow> yardsticks(const SuiteReport& report) {
  std::vector<YardstickRow> rows;
  for (const auto& t : report.targets) {
    auto row = declared_yardstick(t);
    if (!row) continue;
    const TargetResult* peer = find_target(report, row->peer_id);
    if (peer == nullptr)
      row->missing = "not in this run (select it too)";
    else if (peer->status != TargetStatus::ok || peer->stats.median <= 0)
      row->missing = "the yardstick is " + std::string(to_string(peer->status));
    else
      row->ratio = t.stats.median / peer->stats.median;
    rows.push_back(std::move(*row));
  }
  return rows;
}

}  // namespace costops::host
