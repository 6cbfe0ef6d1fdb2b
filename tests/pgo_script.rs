//! `scripts/pgo-build.sh` as the compiler's wrapper: the profile's flags go to the crates
//! chosen and to no other, so that a PGO build never builds the other dependencies again.
//! (The whole build takes a release build and more: it is measured in benches/README.md, not
//! run here.)

use std::process::Command;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/pgo-build.sh");

/// The arguments the wrapper hands on, given `arguments` after the compiler (`echo` stands
/// for rustc) with `crates` as the pattern of the crates to instrument.
fn handed_on(crates: &str, arguments: &[&str]) -> String {
    let output = Command::new("bash")
        .arg(SCRIPT)
        .arg("echo")
        .args(arguments)
        .env("REDFLAGS_PGO_WRAPPER", "1")
        .env("REDFLAGS_PGO_CRATES", crates)
        .env(
            "REDFLAGS_PGO_FLAGS",
            "-Cprofile-use=/tmp/a.profdata -Cllvm-args=-x",
        )
        .output()
        .expect("bash runs the script");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .trim_end()
        .to_owned()
}

#[test]
fn the_profiles_flags_go_to_the_chosen_crates_only() {
    let own = ["--crate-name", "redflags", "--edition=2024", "src/lib.rs"];
    assert_eq!(
        handed_on("^redflags$", &own),
        "--crate-name redflags --edition=2024 src/lib.rs \
         -Cprofile-use=/tmp/a.profdata -Cllvm-args=-x"
    );
    let dependency = ["--crate-name", "polars_core", "src/lib.rs"];
    assert_eq!(
        handed_on("^redflags$", &dependency),
        "--crate-name polars_core src/lib.rs"
    );
    let with_polars = "^(redflags|polars(_.*)?)$";
    assert_eq!(
        handed_on(with_polars, &dependency),
        "--crate-name polars_core src/lib.rs -Cprofile-use=/tmp/a.profdata -Cllvm-args=-x"
    );
    // A crate whose name only starts like Polars' is not one of them, nor is a file named so.
    let other = ["--crate-name", "polarsx", "redflags"];
    assert_eq!(
        handed_on(with_polars, &other),
        "--crate-name polarsx redflags"
    );
}

#[test]
fn an_unknown_option_is_refused_before_anything_is_built() {
    let output = Command::new("bash")
        .arg(SCRIPT)
        .arg("--fast")
        .env_remove("REDFLAGS_PGO_WRAPPER")
        .output()
        .expect("bash runs the script");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("usage: scripts/pgo-build.sh"),
        "{output:?}"
    );
}
