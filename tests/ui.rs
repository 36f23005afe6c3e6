//! trybuild UI tests of the macro wiring. `.stderr` files are generated with
//! `TRYBUILD=overwrite cargo test --test ui`, never written by hand.
//!
//! Its own binary, not a module of `tests/it/`: trybuild runs cargo on every case, minutes of
//! compiling that would share the cores with the timing-sensitive tests there (rate limits,
//! timeouts) if they ran in one process; cargo runs test binaries one after another.
//!
//! trybuild compiles each case in its own project under the target directory, whose
//! `CARGO_MANIFEST_DIR` is not this crate's; the app files are copied there first so that the
//! cases name them as `tests/ui/apps/…`, the path a user would write. The examples' apps are
//! copied too, as `examples/<example>/app.json`, for the cases that misuse the typed API of a
//! real app.

use std::path::{Path, PathBuf};

fn trybuild_project() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let target = tmp
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory");
    target
        .join("tests")
        .join("trybuild")
        .join(env!("CARGO_PKG_NAME"))
}

fn copy_apps() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/apps");
    let dst = trybuild_project().join("tests/ui/apps");
    std::fs::create_dir_all(&dst).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dst.join(path.file_name().unwrap())).unwrap();
    }
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for entry in std::fs::read_dir(&examples).unwrap() {
        let app = entry.unwrap().path().join("app.json");
        if app.is_file() {
            let dst = trybuild_project()
                .join("examples")
                .join(app.parent().unwrap().file_name().unwrap());
            std::fs::create_dir_all(&dst).unwrap();
            std::fs::copy(&app, dst.join("app.json")).unwrap();
        }
    }
}

#[test]
fn ui() {
    copy_apps();
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
