#include "costops/host/suite_run.hpp"

#include <unistd.h>

#include <iostream>
#include <optional>

#include "costops/host/ab_rounds.hpp"
#include "costops/host/after_run_files.hpp"
#include "costops/host/atomic_file.hpp"
#include "costops/host/baselines.hpp"
#include "costops/host/build_info.hpp"
#include "costops/host/child_process.hpp"
#include "costops/host/comparison_report.hpp"
#include "costops/host/console/results_table.hpp"
#include "costops/host/exit_codes.hpp"
#include "costops/host/history_outbox.hpp"
#include "costops/host/json_text.hpp"
#include "costops/host/output_directory.hpp"
#include "costops/host/paired_ab.hpp"
#include "costops/host/plugin_plan.hpp"
#include "costops/host/result_store.hpp"
#include "costops/host/results_keys.hpp"
#include "costops/host/target_analysis.hpp"
#include "costops/host/target_rounds.hpp"
#include "costops/host/untrusted_text.hpp"
#include "costops/host/utc_time.hpp"

namespace costops::host {

namespace fs = std::filesystem;

namespace {

boost::json::object settings_json(const RunOptions& o) {
  boost::json::object settings{
      {"warmup_time_s", o.measurement.warmup_seconds},
      {"min_time_s", o.measurement.min_time_seconds},
      {"min_samples", o.measurement.min_samples},
      {"repetitions", o.measurement.repetitions},
      {"rounds", o.rounds},
      {"isolation", to_string(o.plugins.isolation)},
      {"timeout_s", o.plugins.run_timeout_seconds},
      {"probe_timeout_s", o.plugins.probe_timeout_seconds},
      {"filter", o.filter},
      {"noise_threshold", o.noisy_relative_mad},
      {"run_name", o.run_name.empty() ? output_directory_name(o.output_dir) : o.run_name}};
  if (!o.target_ids.empty()) {  // --targets: a rerun selects the same
    boost::json::array ids;
    for (const std::string& id : o.target_ids) ids.emplace_back(id);
    settings["targets"] = std::move(ids);
  }
  return settings;
}

bool all_ok(const SuiteReport& report) {
  const auto ok = [](const auto& item) { return counts_as_success(item.status); };
  return std::all_of(report.targets.begin(), report.targets.end(), ok) &&
         std::all_of(report.plugin_files.begin(), report.plugin_files.end(), ok);
}

class SuiteRun {
 public:
  SuiteRun(const RunOptions& options, TargetExecutor& executor, ProgressReporter& progress)
      : options_(options), executor_(executor), progress_(progress) {}

  int run(const fs::path& host_executable) {
    if (!plan(host_executable)) return exit_code_;
    if (interrupt_requested() && !options_.list_only) return record_interrupted_probing();
    if (options_.list_only) return list();
    // The baseline is read before the output directory is made or locked:
    // a bad --baseline leaves nothing behind.
    if (!load_baseline() || !open_output()) return exit_code_;
    output_->clear_previous_run();  // after reading the baseline: it may live here
    start_journal();
    run_rounds();
    compare_with_baseline();
    keep_baseline();
    announce_files();
    record_history();
    if (!write_after_run_files(output_->root(), options_, baseline_, report_.baseline_name,
                               progress_, {store_.get(), store_problem_}))
      write_failed_ = true;
    return final_exit_code();
  }

 private:
  bool fail(const std::string& message) {
    progress_.error(message);
    exit_code_ = kExitUsage;
    return false;
  }

  // Discover and probe plugins, plan and select targets.
  bool plan(const fs::path& host_executable) {
    std::vector<DiscoveredFile> files;
    try {
      files = discover_plugins(options_.plugins, host_executable);
    } catch (const DiscoveryError& e) {
      return fail(e.what());
    }
    report_.host_version = kHostVersion;
    report_.started_at = rfc3339_now();
    report_.command_line = options_.command_line;
    report_.source = options_.source;
    report_.settings = settings_json(options_);
    report_.plugin_files = probe_all(files, executor_);
    for (const auto& probe : report_.plugin_files)
      if (probe.status != TargetStatus::ok)
        progress_.warning("plugin " + for_terminal(probe.path, false) + " is " +
                          std::string(to_string(probe.status)) + ": " +
                          for_terminal(probe.reason, false));
    plan_ = plan_targets(report_.plugin_files);
    if (const std::string unknown = select_targets(plan_, options_.target_ids, options_.filter);
        !unknown.empty())
      return fail(unknown);
    if (!options_.ab_baseline_plugin_dir.empty()) {
      ab_.emplace();
      if (const std::string problem =
              plan_ab_baseline(options_, host_executable, plan_, report_, executor_, *ab_);
          !problem.empty())
        return fail(problem);
    }
    if (plan_.planned.empty() && !options_.list_only && !interrupt_requested())
      return fail(files.empty() ? "no plugin files (*.so) found in the plugin directories"
                                : "no target matches the selection; `cost-ops run --list` "
                                  "shows what is available");
    return true;
  }

  // Ctrl-C while probing: no target ran, but the plugin files probed (and
  // those not reached) are recorded in a valid results.json.
  int record_interrupted_probing() {
    if (!open_output()) return exit_code_;
    for (const auto& p : plan_.planned) report_.targets.push_back(not_run_result(p));
    save(nullptr);
    progress_.warning("interrupted while probing plugins: no target ran");
    return kExitTargetNotOk;
  }

  static TargetResult not_run_result(const PlannedTarget& p) {
    TargetResult result;
    result.target_id = p.target.id;
    result.description = p.target.description;
    result.flags = p.target.flags;
    result.status = TargetStatus::not_run;
    result.reason = "not run: the host was interrupted";
    return result;
  }

  int list() const {
    if (options_.list_as_json) {
      boost::json::array targets;
      for (const auto& p : plan_.planned)
        targets.push_back({{"target_id", p.target.id},
                           {"description", p.target.description},
                           {"plugin",
                            {{"name", p.plugin->name},
                             {"version", p.plugin->version},
                             {"path", p.plugin->path}}}});
      std::cout << to_pretty_json(targets);
      return kExitOk;
    }
    // One line per target, tab-separated: no field may hold a tab, newline
    // or escape sequence (a plugin's name or description could).
    const auto field = [](const std::string& text) { return for_terminal(text, false); };
    for (const auto& p : plan_.planned)
      std::cout << field(p.target.id) << "\t" << field(p.plugin->name) << " "
                << field(p.plugin->version) << "\t" << field(p.plugin->path) << "\t"
                << field(p.target.description) << "\n";
    return kExitOk;
  }

  bool open_output() {
    try {
      output_.emplace(options_.output_dir);
    } catch (const FileWriteError& e) {
      return fail(e.what());
    }
    report_.environment = collect_environment();
    identify_machine(report_.source, report_.environment.host_name, report_.environment.cpu_model);
    for (const auto& w : report_.environment.warnings) progress_.warning(w);
    return true;
  }

  // Read before anything runs: a bad baseline is a usage error, not a
  // surprise after minutes of measuring.
  bool load_baseline() {
    if (options_.baseline.empty()) return true;
    try {
      std::string unsigned_note;
      const fs::path root = options_.output_dir.empty() ? fs::path(".") : options_.output_dir;
      baseline_ = load_checked_baseline(root, options_.baseline, unsigned_note);
      if (!unsigned_note.empty()) progress_.warning(unsigned_note);
    } catch (const ResultsFileError& e) {
      return fail(std::string("baseline: ") + e.what());
    }
    report_.baseline_name = options_.baseline;
    return true;
  }

  void start_journal() {
    try {
      output_->start_journal(plan_.planned.size());
    } catch (const FileWriteError& e) {
      progress_.error(e.what());
      write_failed_ = true;
    }
  }

  // Journals a finished target, or writes results.json and summary.md when
  // `finished` is null (the end, also after Ctrl-C). A failed write is
  // reported and remembered.
  void save(const TargetResult* finished) {
    try {
      if (finished)
        output_->write_journal_entry(*finished);  // constant cost per target
      else {
        report_.environment.isolation = sandbox::isolation_report(
            options_.plugins.isolation == IsolationMode::process, options_.plugins.sandbox);
        output_->write_suite_files(report_, options_.write_summary);
      }
    } catch (const FileWriteError& e) {
      progress_.error(e.what());
      write_failed_ = true;
    }
  }

  // Round 1 runs every target and writes its files as it finishes. Each
  // later round (--rounds) runs the targets still ok again, in order, in a
  // fresh process: targets compared side by side see the same drift.
  void run_rounds() {
    if (ab_ && options_.ab_paired)
      run_paired_ab();
    else if (ab_)
      run_ab();
    else
      run_plain_rounds();
    for (auto& duplicate : plan_.duplicates) report_.targets.push_back(std::move(duplicate));
    save(nullptr);  // the final state, including targets marked not_run
    print_results(console::run_results_text(report_, stdout_style_, stdout_width_));
    progress_.run_finished(report_);
  }

  // A/B mode: both builds round by round; the baseline side is written to
  // <output>/ab-baseline/ and becomes the baseline compared with.
  void run_ab() {
    run_ab_rounds(options_, plan_, report_.targets, *ab_, executor_, progress_,
                  [this](const TargetResult& r) { save(&r); });
    try {
      const OutputDirectory side(output_->root() / kAbBaselineDirectory);
      side.write_suite_files(ab_->report, false);
      baseline_ = load_stored_run(side.root() / "results.json");
      report_.baseline_name = "A/B baseline " + options_.ab_baseline_plugin_dir;
    } catch (const std::exception& e) {
      progress_.error(std::string("A/B baseline side: ") + e.what());
      write_failed_ = true;
    }
  }

  // Paired A/B mode: both builds inside each worker; the verdicts are the
  // paired test's (paired_ab.hpp), not compare's, so no baseline is loaded.
  void run_paired_ab() {
    const PairedAbSettings settings = paired_settings(options_);
    const PairedAbReport paired =
        host::run_paired_ab(options_, settings, plan_, report_.targets, *ab_, executor_, progress_,
                            [this](const TargetResult& r) { save(&r); });
    report_.ab_paired = paired_ab_json(paired, settings);
    report_.baseline_name = "paired A/B baseline " + options_.ab_baseline_plugin_dir;
    report_.baseline_comparison = paired_ab_markdown(paired, settings);
    regression_ = paired.regression();
    // The verdicts are results: stdout, like the verdict table of --baseline.
    print_results(stdout_style_.in_charset(for_terminal("Paired A/B against " +
                                                        options_.ab_baseline_plugin_dir + ", " +
                                                        paired_ab_text(paired, settings))));
    for (const auto& line : paired_regression_lines(paired))
      progress_.warning("regression: " + for_terminal(line, false));
    try {
      OutputDirectory(output_->root() / kAbBaselineDirectory).write_suite_files(ab_->report, false);
    } catch (const std::exception& e) {
      progress_.error(std::string("A/B baseline side: ") + e.what());
      write_failed_ = true;
    }
  }

  void run_plain_rounds() {
    const std::size_t total = plan_.planned.size();
    const std::uint32_t rounds = std::max(1u, options_.rounds);
    const RoundRunner runner{executor_, progress_, options_.measurement,
                             options_.noisy_relative_mad};
    progress_.run_started(total * rounds);
    for (std::size_t i = 0; i < total; ++i) {
      report_.targets.push_back(run_first_round(runner, plan_.planned[i], {i, total, 1}));
      save(&report_.targets.back());
    }
    for (std::uint32_t round = 2; round <= rounds && !interrupt_requested(); ++round) {
      progress_.info("Round " + std::to_string(round) + " of " + std::to_string(rounds));
      for (std::size_t i = 0; i < total && !interrupt_requested(); ++i) {
        TargetResult& result = report_.targets[i];
        if (result.status != TargetStatus::ok) continue;
        run_later_round(runner, result, plan_.planned[i], {i, total, round});
        save(&result);
      }
    }
    if (rounds > 1 && interrupt_requested())
      progress_.warning("interrupted before round " + std::to_string(rounds) +
                        " ended: each finished target keeps the samples of the rounds it "
                        "completed");
  }

  void compare_with_baseline() {
    if (!baseline_) return;
    try {
      const StoredRun current = load_stored_run(output_->root() / "results.json");
      const RunComparison comparison = compare_runs(*baseline_, current, options_.gate.comparison);
      regression_ = comparison.has_regression();
      report_.baseline_comparison = comparison_markdown(comparison);
      report_.comparison_record = comparison_json_object(comparison);
      report_.comparison_record[results_key::comparison_baseline] = report_.baseline_name;
      report_.comparison_record[results_key::comparison_baseline_results] =
          baseline_->file.string();
      print_results(stdout_style_.in_charset("Compared with baseline " +
                                             for_terminal(report_.baseline_name, false) + ":\n") +
                    comparison_text(comparison, stdout_style_, stdout_width_));
      for (const auto& line : comparison.regression_lines())
        progress_.warning("regression: " + line);
      save(nullptr);
    } catch (const std::runtime_error& e) {  // ResultsFileError, ComparisonError
      progress_.error(e.what());
      write_failed_ = true;
    }
  }

  void keep_baseline() {
    if (options_.save_baseline.empty()) return;
    try {
      const fs::path dir = save_baseline(output_->root(), options_.save_baseline);
      progress_.info("Saved baseline " + options_.save_baseline + " in " + dir.string());
    } catch (const FileWriteError& e) {
      progress_.error(e.what());
      write_failed_ = true;
    }
  }

  // Names only files that exist: after a failed write (full disk) the
  // error said what is missing, and no line may point at a file that is not there.
  void announce_files() {
    const fs::path& root = output_->root();
    std::string written;
    for (const fs::path& file : {root / "results.json", root / "summary.md"}) {
      std::error_code ec;
      if (file.filename() == "summary.md" && !options_.write_summary) continue;
      if (fs::is_regular_file(fs::symlink_status(file, ec)))
        written += (written.empty() ? "" : ", ") + file.string();
    }
    if (written.empty()) return;
    progress_.info("Results: " + written + ", " + (root / "raw").string() + "/");
  }

  // Appends the run to the result store in one transaction, over the one
  // connection the report then reads from. When the store cannot take it
  // (down, login refused, a timeout, SIGINT/SIGTERM while waiting), the files
  // stay, the run is queued in the outbox for `cost-ops history upload`, the
  // report says why it has no history, and the exit code is 2.
  void record_history() {
    if (options_.history.empty()) return;
    const RunRecord record = make_run_record(report_);
    try {
      store_ = open_result_store(options_.history, {StoreAccess::write, options_.store_timeout_s});
      const std::int64_t run_id = store_->append(record);
      progress_.info("Recorded as run " + std::to_string(run_id) + " in " + store_->location());
    } catch (const HistoryError& e) {
      store_.reset();
      store_problem_ = e.what();
      progress_.error(std::string("the run was not stored: ") + e.what());
      write_failed_ = true;
      queue_for_upload(record);
    }
  }

  void queue_for_upload(const RunRecord& record) {
    try {
      const fs::path file = queue_in_outbox(output_->root(), record);
      progress_.error("queued in " + file.string() + "; store it later with `cost-ops history " +
                      "upload --history " + pasteable_location(options_.history) + " " +
                      output_->root().string() + "`");
    } catch (const FileWriteError& e) {
      progress_.error(e.what());
    }
  }

  // Results for a person go to stdout, everything else (progress, warnings,
  // the tally) to stderr: `cost-ops run > results.txt` keeps the results.
  // --quiet prints neither.
  void print_results(const std::string& text) const {
    if (options_.verbosity == Verbosity::quiet || text.empty()) return;
    std::cout << text << std::flush;
  }

  int final_exit_code() const {
    if (write_failed_) return kExitUsage;
    if (regression_ && options_.gate.fail_on == FailOn::slower) return kExitRegression;
    return all_ok(report_) && !interrupt_requested() ? kExitOk : kExitTargetNotOk;
  }

  const RunOptions& options_;
  // stdout's own style and width: it may be a file while stderr is a terminal.
  const TerminalStyle stdout_style_ = TerminalStyle::detect(STDOUT_FILENO);
  const std::size_t stdout_width_ = terminal_columns(STDOUT_FILENO);
  TargetExecutor& executor_;
  ProgressReporter& progress_;
  SuiteReport report_;
  TargetPlan plan_;
  std::optional<OutputDirectory> output_;
  std::optional<StoredRun> baseline_;
  std::optional<AbBaseline> ab_;
  bool write_failed_ = false;
  std::unique_ptr<ResultStore> store_;  // the run's connection, kept for the report
  std::string store_problem_;           // why the run was not stored
  bool regression_ = false;
  int exit_code_ = kExitOk;
};

}  // namespace

int run_suite(const RunOptions& options, const fs::path& host_executable, TargetExecutor& executor,
              ProgressReporter& progress) {
  return SuiteRun(options, executor, progress).run(host_executable);
}

}  // namespace costops::host
