//! The command line, through the real binary.

use std::collections::BTreeSet;
use std::path::Path;

use predicates::prelude::*;

mod common;

use common::{csv_rows, example, redflags};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn score_on_the_bundled_example_writes_every_output() {
    let out = tempfile::tempdir().unwrap();
    redflags()
        .args(["score", example().to_str().unwrap(), "--out"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("48 contracting processes scored"));
    for file in [
        "contracts.csv",
        "contracts.parquet",
        "flags.csv",
        "organizations.csv",
        "rejected.csv",
        "summary.json",
    ] {
        assert!(out.path().join(file).is_file(), "{file}");
    }
    // No staging folder is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());
    // The Parquet tables hold organization ids and names as texts, as the CSV files do,
    // whatever the frames hold them as.
    for table in ["contracts", "flags", "organizations", "buyers", "suppliers"] {
        assert_texts_are_plain(&out.path().join(format!("{table}.parquet")));
    }

    let contracts = csv_rows(&out.path().join("contracts.csv"));
    assert_eq!(contracts.len(), 48);
    let columns: Vec<&String> = contracts[0].keys().collect();
    for column in [
        "ocid",
        "title",
        "buyer_name",
        "procuring_entity_name",
        "suppliers",
        "procurement_method",
        "procurement_method_details",
        "main_procurement_category",
        "tender_amount",
        "award_amount",
        "contract_amount",
        "tender_currency",
        "tender_start",
        "tender_end",
        "award_date",
        "number_of_tenderers",
        "risk_score",
        "percentile",
        "flags",
        "assessable_count",
        "single_bid",
        "short_tender_period",
        "repeat_winner",
        "contract_amendment",
    ] {
        assert!(columns.iter().any(|c| *c == column), "{column} missing");
    }
    let ocids: BTreeSet<_> = contracts.iter().map(|row| row["ocid"].clone()).collect();
    assert_eq!(ocids.len(), 48);
    // Thai text intact.
    assert!(
        contracts
            .iter()
            .any(|row| row["buyer_name"] == "สำนักการโยธาตัวอย่าง")
    );
    // The one truncated line is rejected with its line number.
    let rejected = csv_rows(&out.path().join("rejected.csv"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], "22");
    assert!(rejected[0]["reason"].starts_with("not JSON"));
    // Each flag has its evidence; three of the core indicators raised some on the example.
    // (`repeat_winner` compares a supplier with its share of the market: in 48 processes of a
    // few suppliers, the strongest pair, 8 of a buyer's 12 awards where 4 were expected, has
    // p = 0.02, not significant among the pairs tested.)
    let flags = csv_rows(&out.path().join("flags.csv"));
    let indicators: BTreeSet<_> = flags.iter().map(|row| row["indicator"].clone()).collect();
    for indicator in ["contract_amendment", "short_tender_period", "single_bid"] {
        assert!(indicators.contains(indicator), "{indicator}");
    }
    assert!(flags.iter().all(|row| !row["evidence"].is_empty()));

    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["counts"]["processes"], 48);
    assert_eq!(summary["counts"]["rejected"], 1);
    // Every indicator, but those that run only with a list the settings name.
    let without_lists = redflags::indicators::REGISTRY
        .iter()
        .filter(|indicator| indicator.metadata().list.is_none())
        .count();
    assert_eq!(
        summary["indicators"].as_array().unwrap().len(),
        without_lists
    );
}

#[test]
fn outputs_are_byte_identical_whatever_the_threads() {
    // The real samples too, where they are.
    let inputs = [Some(example()), common::shared_sample("data/real")];
    for input in inputs.into_iter().flatten() {
        let one = tempfile::tempdir().unwrap();
        let two = tempfile::tempdir().unwrap();
        for (dir, threads) in [(&one, "1"), (&two, "2")] {
            redflags()
                .args([
                    "--threads",
                    threads,
                    "score",
                    input.to_str().unwrap(),
                    "--out",
                ])
                .arg(dir.path())
                .assert()
                .success();
        }
        let mut files: Vec<String> = std::fs::read_dir(one.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "buyers.csv",
                "buyers.parquet",
                "contracts.csv",
                "contracts.parquet",
                "correlations.csv",
                "coverage.csv",
                "coverage.parquet",
                "flags.csv",
                "flags.parquet",
                "manifest.json",
                "organizations.csv",
                "organizations.parquet",
                "rejected.csv",
                "reviews.csv",
                "reviews.parquet",
                "summary.json",
                "suppliers.csv",
                "suppliers.parquet",
                "validation.csv",
            ]
        );
        for file in files.iter().filter(|file| *file != "summary.json") {
            let a = std::fs::read(one.path().join(file)).unwrap();
            let b = std::fs::read(two.path().join(file)).unwrap();
            assert!(
                a == b,
                "{file} differs between 1 and 2 threads on {input:?}"
            );
        }
        // summary.json differs only in the run's duration.
        let summary = |dir: &Path| {
            let mut value: serde_json::Value =
                serde_json::from_str(&read(&dir.join("summary.json"))).unwrap();
            value["run"] = serde_json::Value::Null;
            value["inputs"] = serde_json::Value::Null;
            value
        };
        assert_eq!(summary(one.path()), summary(two.path()));
    }
}

#[test]
fn standard_input_and_strict() {
    let out = tempfile::tempdir().unwrap();
    redflags()
        .args(["score", "-", "--strict", "--out"])
        .arg(out.path())
        .write_stdin("{\"ocid\":\"a\",\"tender\":{\"procurementMethod\":\"open\",\"numberOfTenderers\":1}}\nnot json\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("--strict: 1 input(s) rejected"));
    // The outputs are written all the same.
    let rejected = csv_rows(&out.path().join("rejected.csv"));
    assert_eq!(rejected[0]["source"], "-");
    assert_eq!(rejected[0]["line"], "2");
    let flags = csv_rows(&out.path().join("flags.csv"));
    assert_eq!(flags[0]["indicator"], "single_bid");
}

#[test]
fn usage_and_settings_errors_exit_2_and_name_the_problem() {
    let out = tempfile::tempdir().unwrap();
    redflags()
        .args(["score", "no-such-file.jsonl", "--out"])
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.jsonl"));
    redflags().args(["score"]).assert().code(2);
    let config = out.path().join("settings.toml");
    std::fs::write(&config, "[indicators.single_bid]\nthresold = 3\n").unwrap();
    redflags()
        .args(["score", example().to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("thresold"));
    redflags()
        .args(["explain", "R999"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("single_bid"));
    // A value out of range is refused when the settings are read, before any input is: the
    // message names the indicator and the key, not the missing input.
    std::fs::write(&config, "[indicators.repeat_winner]\nwindow_days = 0\n").unwrap();
    redflags()
        .args(["score", "no-such-file.jsonl", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("[indicators.repeat_winner]")
                .and(predicate::str::contains("window_days must be at least 1"))
                .and(predicate::str::contains("no-such-file").not()),
        );
}

#[test]
fn settings_change_the_flags_and_init_documents_every_default() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("redflags.toml");
    redflags().arg("init").arg(&config).assert().success();
    let text = read(&config);
    for key in [
        "organization_factor",
        "family",
        "single_bid",
        "window_days",
        "threshold",
        "procurement_methods",
    ] {
        assert!(text.contains(key), "{key} missing from init");
    }
    redflags().arg("init").arg(&config).assert().code(2);
    // The default file gives the default results.
    let defaults = dir.path().join("defaults");
    let configured = dir.path().join("configured");
    redflags()
        .args(["score", example().to_str().unwrap(), "--out"])
        .arg(&defaults)
        .assert()
        .success();
    redflags()
        .args(["score", example().to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&configured)
        .assert()
        .success();
    assert_eq!(
        read(&defaults.join("contracts.csv")),
        read(&configured.join("contracts.csv"))
    );
    // Turning an indicator off removes its column and its flags.
    std::fs::write(&config, "[indicators.single_bid]\nenabled = false\n").unwrap();
    redflags()
        .args(["score", example().to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&configured)
        .assert()
        .success();
    let flags = csv_rows(&configured.join("flags.csv"));
    assert!(flags.iter().all(|row| row["indicator"] != "single_bid"));
    let header = read(&configured.join("contracts.csv"));
    assert!(!header.lines().next().unwrap().contains("single_bid"));
}

#[test]
fn indicators_and_explain() {
    redflags()
        .arg("indicators")
        .assert()
        .success()
        .stdout(predicate::str::contains("single_bid").and(predicate::str::contains("R018")));
    let output = redflags().args(["indicators", "--json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let short = list
        .as_array()
        .unwrap()
        .iter()
        .find(|indicator| indicator["slug"] == "short_tender_period")
        .unwrap();
    assert_eq!(short["defaults"]["threshold"], 15);
    assert_eq!(short["phase"], "tender");
    assert_eq!(short["weight"], 0.15);
    assert_eq!(short["family"], "tender_period");
    redflags()
        .args(["explain", "r003"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# short_tender_period"));
}

#[test]
fn frames_writes_the_tables_as_parquet() {
    let out = tempfile::tempdir().unwrap();
    redflags()
        .args(["frames", example().to_str().unwrap(), "--out"])
        .arg(out.path())
        .assert()
        .success();
    for table in [
        "processes",
        "parties",
        "bids",
        "awards",
        "contracts",
        "items",
    ] {
        let path = out.path().join(format!("{table}.parquet"));
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(&bytes[..4], b"PAR1", "{table}");
        assert_texts_are_plain(&path);
    }
    // Each file can be read on its own: every row names its process by key and by ocid.
    let read = |table: &str| {
        let file = std::fs::File::open(out.path().join(format!("{table}.parquet"))).unwrap();
        use polars::prelude::SerReader;
        polars::prelude::ParquetReader::new(file).finish().unwrap()
    };
    let processes = read("processes");
    let bids = read("bids");
    assert_eq!(bids.get_column_names()[..2], ["process", "ocid"]);
    let ocids = common::strings(&processes, "ocid");
    let keys = bids.column("process").unwrap().u32().unwrap();
    for (key, ocid) in keys.into_no_null_iter().zip(common::strings(&bids, "ocid")) {
        assert_eq!(ocids[key as usize], ocid);
    }
    assert!(bids.height() > 0);
}

/// Runs `score` on `input` into `out`, expecting success, and returns its summary.json.
fn scored_summary(input: &Path, out: &Path) -> serde_json::Value {
    redflags()
        .arg("score")
        .arg(input)
        .arg("--out")
        .arg(out)
        .assert()
        .success();
    serde_json::from_str(&read(&out.join("summary.json"))).unwrap()
}

#[test]
fn every_real_publisher_scores_with_one_row_per_ocid() {
    let out = tempfile::tempdir().unwrap();
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    let summary = scored_summary(&real, out.path());
    let counts = &summary["counts"];
    let processes = counts["processes"].as_u64().unwrap();
    let contracts = csv_rows(&out.path().join("contracts.csv"));
    assert_eq!(contracts.len() as u64, processes);
    let ocids: BTreeSet<_> = contracts.iter().map(|row| row["ocid"].clone()).collect();
    assert_eq!(ocids.len(), contracts.len());
    // Every input is accounted for.
    let rejected = csv_rows(&out.path().join("rejected.csv")).len() as u64;
    assert_eq!(counts["rejected"].as_u64().unwrap(), rejected);
    assert_eq!(
        counts["input"]["entries_accepted"].as_u64().unwrap() + rejected,
        counts["input"]["total"].as_u64().unwrap()
    );
    assert_eq!(processes, 118);
}

/// A real record package whose one record has nothing to compile: the run ends well, with
/// every output, no process and the record rejected with its reason.
#[test]
fn an_input_without_a_process_is_scored_with_its_rejection() {
    let Some(input) = common::shared_sample("data/real/paraguay/records/284437.json") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let summary = scored_summary(&input, out.path());
    assert_eq!(summary["counts"]["processes"], 0);
    assert!(csv_rows(&out.path().join("contracts.csv")).is_empty());
    let rejected = csv_rows(&out.path().join("rejected.csv"));
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["ocid"], "ocds-03ad3f-284437");
    assert!(rejected[0]["reason"].contains("no `compiledRelease`"));
}

#[test]
fn cancelled_and_excluded_procedures_keep_their_row_but_are_not_assessed() {
    let input = "{\"ocid\":\"cancelled\",\"tender\":{\"status\":\"cancelled\",\"procurementMethod\":\"open\",\"numberOfTenderers\":1}}\n\
                 {\"ocid\":\"excluded\",\"tender\":{\"procurementMethodDetails\":\"Sorteo\",\"procurementMethod\":\"open\",\"numberOfTenderers\":1}}\n\
                 {\"ocid\":\"kept\",\"tender\":{\"procurementMethod\":\"open\",\"numberOfTenderers\":1}}\n";
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    std::fs::write(
        &config,
        "[scope]\nexcluded_procurement_method_details = [\"Sorteo\"]\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let score = || {
        redflags()
            .args(["score", "-", "--config"])
            .arg(&config)
            .arg("--out")
            .arg(&out)
            .write_stdin(input)
            .assert()
            .success();
        csv_rows(&out.join("contracts.csv"))
    };
    let contracts = score();
    let by_ocid: std::collections::BTreeMap<_, _> = contracts
        .iter()
        .map(|row| (row["ocid"].as_str(), row))
        .collect();
    assert_eq!(by_ocid.len(), 3);
    for ocid in ["cancelled", "excluded"] {
        assert_eq!(by_ocid[ocid]["risk_score"], "", "{ocid}");
        assert_eq!(by_ocid[ocid]["single_bid"], "", "{ocid}");
    }
    assert_eq!(by_ocid["kept"]["single_bid"], "1");
    // single_bid (0.3) and no_tender_period (0.1) raised: 100 × (1 − 0.7 × 0.9).
    assert_eq!(by_ocid["kept"]["flags"], "single_bid; no_tender_period");
    assert_eq!(by_ocid["kept"]["risk_score"], "37");

    // Cancelled tenders can be assessed when the settings say so.
    std::fs::write(&config, "[scope]\nexclude_cancelled_tenders = false\n").unwrap();
    assert!(score().iter().all(|row| row["single_bid"] == "1"));
}

#[test]
fn init_converts_cardinal_settings_and_cardinal_prints_meta() {
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("settings.ini");
    std::fs::write(
        &ini,
        "no_price_comparison_procurement_methods = NPC\n[R024]\n[R003]\nthreshold = 10\n",
    )
    .unwrap();
    let converted = dir.path().join("redflags.toml");
    redflags()
        .args(["init", "--from-cardinal"])
        .arg(&ini)
        .arg(&converted)
        .assert()
        .success();
    let config = redflags::config::Config::load(&converted).unwrap();
    let active: Vec<&str> = config
        .active()
        .iter()
        .map(|a| a.indicator.metadata().slug)
        .collect();
    assert_eq!(
        active,
        ["short_tender_period", "price_close_to_winning_bid"]
    );
    assert_eq!(
        config.scope.no_price_comparison_procurement_methods,
        ["NPC"]
    );
    // On the example, R024's quartiles and fence appear under Meta, rounded to 4 decimals.
    let output = redflags()
        .args(["cardinal", "--count", "--settings"])
        .arg(&ini)
        .arg(example())
        .output()
        .unwrap();
    assert!(output.status.success());
    let results: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let meta = &results["Meta"]["R024"];
    for key in ["q1", "q3", "lower_fence"] {
        let value = meta[key].as_f64().unwrap();
        assert_eq!((value * 10_000.0).round() / 10_000.0, value, "{key}");
    }
    assert!(String::from_utf8_lossy(&output.stderr).contains("OCID: "));
}

#[test]
fn processes_name_the_organization_flags_of_their_buyer_and_winner() {
    let out = tempfile::tempdir().unwrap();
    // The example's 48 processes are too few for `repeat_winner` to beat chance (see
    // `score_on_the_bundled_example_writes_every_output`): with the comparison off, its
    // floors flag buyers to name.
    let config = out.path().join("floors.toml");
    std::fs::write(&config, "[indicators.repeat_winner]\nsignificance = 1.0\n").unwrap();
    redflags()
        .args(["score", example().to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let contracts = csv_rows(&out.path().join("contracts.csv"));
    let organizations = csv_rows(&out.path().join("organizations.csv"));
    // Every flagged buyer's processes say so, by name and id.
    for flagged in organizations.iter().filter(|row| row["role"] == "buyer") {
        let text = format!(
            "{}: buyer {} ({})",
            flagged["indicator"], flagged["organization_name"], flagged["organization_id"]
        );
        let processes: Vec<_> = contracts
            .iter()
            .filter(|row| row["buyer_id"] == flagged["organization_id"])
            .collect();
        assert!(!processes.is_empty());
        for row in processes {
            assert!(row["organization_flags"].contains(&text), "{}", row["ocid"]);
        }
    }
    assert!(organizations.iter().any(|row| row["role"] == "buyer"));
}

#[test]
fn profiles_and_the_validity_check_run_on_all_the_real_data() {
    let Some(real) = common::shared_sample("data/real") else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    redflags()
        .args(["score", real.to_str().unwrap(), "--out"])
        .arg(out.path())
        .assert()
        .success();
    let contracts = csv_rows(&out.path().join("contracts.csv"));
    let buyers = csv_rows(&out.path().join("buyers.csv"));
    // Every process with a buyer is in exactly one buyer's profile.
    let with_buyer = contracts
        .iter()
        .filter(|row| !row["buyer_id"].is_empty())
        .count();
    let profiled: usize = buyers
        .iter()
        .map(|row| row["processes"].parse::<usize>().unwrap())
        .sum();
    assert_eq!(profiled, with_buyer);
    assert!(buyers.len() > 10, "{} buyers", buyers.len());
    // Sorted by mean score, highest first (unscored last).
    let means: Vec<f64> = buyers
        .iter()
        .filter_map(|row| row["mean_score"].parse().ok())
        .collect();
    assert!(means.windows(2).all(|pair| pair[0] >= pair[1]), "{means:?}");
    let suppliers = csv_rows(&out.path().join("suppliers.csv"));
    assert!(!suppliers.is_empty());
    assert!(suppliers[0].contains_key("share_single_bid"));
    assert!(suppliers[0].contains_key("top_reasons"));
    // Every scored process has a completeness, and a value at risk when it has a value.
    for row in &contracts {
        if !row["risk_score"].is_empty() {
            assert!(!row["data_completeness"].is_empty());
            assert!(!row["rank_score"].is_empty());
            if !row["value_amount"].is_empty() {
                assert!(!row["value_at_risk"].is_empty(), "{row:?}");
            }
        }
    }
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.path().join("summary.json"))).unwrap();
    assert_eq!(summary["weights"]["source"], "configured");
    assert_eq!(summary["validation"]["outcome"], "single_bid");
    assert_eq!(summary["profiles"]["buyers"], buyers.len());

    // The validate command: the same check, printed and written.
    let checked = tempfile::tempdir().unwrap();
    let output = redflags()
        .args(["validate", real.to_str().unwrap(), "--out"])
        .arg(checked.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Validity check"), "{text}");
    assert!(text.contains("short_tender_period"), "{text}");
    let validation = csv_rows(&checked.path().join("validation.csv"));
    assert_eq!(
        validation.len(),
        summary["validation"]["terms"].as_array().unwrap().len()
    );
    let short = validation
        .iter()
        .find(|row| row["term"] == "short_tender_period")
        .unwrap();
    let cells: u64 = [
        "flagged_single_bid",
        "flagged_competed",
        "clear_single_bid",
        "clear_competed",
    ]
    .iter()
    .map(|key| short[*key].parse::<u64>().unwrap())
    .sum();
    assert_eq!(cells, short["competitive"].parse::<u64>().unwrap());
    assert!(checked.path().join("correlations.csv").exists());
}

#[test]
fn validated_weights_are_recorded_in_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("validated.toml");
    std::fs::write(&config, "[score]\nweights = \"validated\"\n").unwrap();
    redflags()
        .args(["score", example().to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out/summary.json"))).unwrap();
    assert_eq!(summary["weights"]["source"], "validated");
    assert_eq!(summary["settings"]["score"]["weights"], "validated");
    // Indicators that do not predict single bidding weigh nothing.
    for check in summary["validation"]["terms"].as_array().unwrap() {
        let weight = &summary["weights"]["terms"][check["term"].as_str().unwrap()];
        if check["predicts"] == false {
            assert_eq!(weight, 0.0, "{check}");
        } else {
            assert!(weight.as_f64().unwrap() > 0.0, "{check}");
        }
    }
    assert_eq!(summary["weights"]["terms"]["single_bid"], 0.3);
    // Without single_bid, validated weights cannot be derived: a clear error.
    std::fs::write(
        &config,
        "[score]\nweights = \"validated\"\n[indicators.single_bid]\nenabled = false\n",
    )
    .unwrap();
    redflags()
        .args(["score", example().to_str().unwrap(), "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("out2"))
        .assert()
        .code(1)
        .stderr(predicate::str::contains("single_bid"));
}

/// Releases of one process from standard input, apart from each other, with Buddhist Era
/// dates to correct: the run merges them (reading its copy of standard input again) and gives
/// what the compiled release gives, corrections counted once.
#[test]
fn releases_of_one_process_from_standard_input_are_merged_like_the_compiled_release() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("settings.toml");
    std::fs::write(&config, "[prepare]\nbuddhist_era = \"always\"\n").unwrap();
    let first = r#"{"ocid":"ocds-m-1","id":"1","date":"2567-01-05T00:00:00Z","tender":{"procurementMethod":"open","numberOfTenderers":1,"tenderPeriod":{"startDate":"2567-01-10T00:00:00Z","endDate":"2567-01-20T00:00:00Z"}}}"#;
    let other = r#"{"ocid":"ocds-m-0","id":"1","date":"2567-03-01T00:00:00Z","tender":{"procurementMethod":"direct"}}"#;
    let second = r#"{"ocid":"ocds-m-1","id":"2","date":"2567-02-01T00:00:00Z","awards":[{"id":"a","status":"active","date":"2567-02-05T00:00:00Z","value":{"amount":10,"currency":"THB"}}]}"#;
    let compiled = r#"{"ocid":"ocds-m-1","id":"2","date":"2567-02-01T00:00:00Z","tag":["compiled"],"tender":{"procurementMethod":"open","numberOfTenderers":1,"tenderPeriod":{"startDate":"2567-01-10T00:00:00Z","endDate":"2567-01-20T00:00:00Z"}},"awards":[{"id":"a","status":"active","date":"2567-02-05T00:00:00Z","value":{"amount":10,"currency":"THB"}}]}"#;
    let score = |input: &str, source: &str, out: &str| {
        let out = dir.path().join(out);
        let mut command = redflags();
        command
            .args(["-q", "score", source, "--config"])
            .arg(&config);
        command.arg("--out").arg(&out);
        if source == "-" {
            command.write_stdin(input.to_owned());
        }
        command.assert().success();
        let summary: serde_json::Value =
            serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
        (csv_rows(&out.join("contracts.csv")), summary)
    };
    let (merged, merged_summary) = score(&format!("{first}\n{other}\n{second}\n"), "-", "stdin");
    let file = dir.path().join("compiled.jsonl");
    std::fs::write(&file, format!("{other}\n{compiled}\n")).unwrap();
    let (expected, expected_summary) = score("", file.to_str().unwrap(), "file");
    assert_eq!(merged.len(), 2);
    assert_eq!(merged, expected);
    assert_eq!(merged[1]["ocid"], "ocds-m-1");
    assert_eq!(merged[1]["tender_start"], "2024-01-10T00:00:00Z");
    assert_eq!(merged[1]["award_date"], "2024-02-05T00:00:00Z");
    assert_eq!(
        merged_summary["corrections"], expected_summary["corrections"],
        "each correction counted once"
    );
    // ocds-m-1: its date, the tender period's two and the award's; ocds-m-0: its date.
    assert_eq!(merged_summary["corrections"]["by_kind"]["buddhist_era"], 5);
    assert_eq!(merged_summary["counts"]["processes"], 2);
}

/// Runs the command with its standard output closed before it writes: it must end quietly
/// (no panic, no error about the pipe) and successfully, as `| head` expects.
fn assert_quiet_on_a_closed_pipe(args: &[&str]) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("redflags"))
        .args(args)
        .env_remove("REDFLAGS_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success()
            && !stderr.contains("panicked")
            && !stderr.to_lowercase().contains("pipe"),
        "{args:?}: {:?}, {stderr}",
        output.status
    );
}

#[test]
fn commands_that_print_end_quietly_when_the_reader_stops() {
    let example = example();
    let example = example.to_str().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().to_str().unwrap();
    let prepared = format!("{out}/prepared.jsonl");
    for args in [
        vec!["indicators", "--json"],
        vec!["indicators"],
        vec!["explain", "single_bid"],
        vec!["init"],
        vec!["coverage", example],
        vec!["check", example],
        vec!["prepare", example, "--out", "-"],
        vec!["generate", "--processes", "50"],
        vec!["cardinal", example],
        vec!["validate", example],
        vec!["score", "-q", example, "--out", out],
        vec!["score", example, "--out", out],
        vec!["frames", example, "--out", out],
        vec!["report", example, "--out", &prepared],
    ] {
        assert_quiet_on_a_closed_pipe(&args);
    }
}

#[test]
fn a_missing_input_is_named_once_with_its_reason() {
    for args in [
        vec!["score", "/nonexistent/input", "--out", "o"],
        vec!["check", "/nonexistent/input"],
        vec![
            "score",
            "--config",
            "/nonexistent/settings.toml",
            "x",
            "--out",
            "o",
        ],
    ] {
        let output = redflags().args(&args).assert().code(2).get_output().clone();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(
            stderr.matches("No such file or directory").count(),
            1,
            "{args:?}: {stderr}"
        );
        assert!(stderr.contains("/nonexistent/"), "{stderr}");
    }
}

/// A Parquet file written by redflags holds its texts as plain texts (no categorical column),
/// and holds at least one text column.
fn assert_texts_are_plain(path: &std::path::Path) {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let frame = ParquetReader::new(std::fs::File::open(path).unwrap())
        .finish()
        .unwrap();
    let types: Vec<(String, DataType)> = frame
        .columns()
        .iter()
        .map(|column| (column.name().to_string(), column.dtype().clone()))
        .collect();
    assert!(
        types
            .iter()
            .all(|(_, dtype)| !matches!(dtype, DataType::Categorical(..))),
        "{}: {types:?}",
        path.display()
    );
    assert!(
        types.iter().any(|(_, dtype)| dtype == &DataType::String),
        "{}: {types:?}",
        path.display()
    );
}
