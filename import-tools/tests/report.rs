//! `portstat report` on a tiny fixture: exact counts and percentages.

mod common;

use common::Fixture;
use portstat::report;

fn fixture() -> Fixture {
    let f = Fixture::synced("report");
    f.write("x/a.rs", "fn t() {}\n");
    let set = |path: &str, status: &str| {
        f.edit_entry(path, |e| {
            e.status = status.into();
            if status != "todo" {
                e.rust = vec!["x/a.rs".into()];
                e.tests = vec!["x/a.rs::t".into()];
                e.note = "n".into();
            }
        })
    };
    set("rc/bin/\"", "ported");
    set("sys/src/9/port/chan.c", "verified");
    set("sys/src/9/port/dev.c", "partial");
    set("sys/src/cmd/rc/code.c", "ported");
    f.assert_clean();
    f
}

const FILES: &str = "\
Files by status
area    tier  total  todo  partial  ported  verified  excluded    done  partial%
kernel  1         2     0        1       0         1         0   50.0%     50.0%
kernel  all       2     0        1       0         1         0   50.0%     50.0%
lib     1         1     1        0       0         0         0    0.0%      0.0%
lib     all       1     1        0       0         0         0    0.0%      0.0%
cmd     1         1     1        0       0         0         0    0.0%      0.0%
cmd     2         1     0        0       1         0         0  100.0%      0.0%
cmd     x         1     0        0       0         0         1       -         -
cmd     all       3     1        0       1         0         1   50.0%      0.0%
rc      2         1     0        0       1         0         0  100.0%      0.0%
rc      all       1     0        0       1         0         0  100.0%      0.0%
all     1         4     2        1       0         1         0   25.0%     25.0%
all     2         2     0        0       2         0         0  100.0%      0.0%
all     x         1     0        0       0         0         1       -         -
all     all       7     2        1       2         1         1   50.0%     16.7%
";

const LINES: &str = "\
Lines of 9front source by status
area    tier  total  todo  partial  ported  verified  excluded    done  partial%
kernel  1       150     0       50       0       100         0   66.7%     33.3%
kernel  all     150     0       50       0       100         0   66.7%     33.3%
lib     1        10    10        0       0         0         0    0.0%      0.0%
lib     all      10    10        0       0         0         0    0.0%      0.0%
cmd     1        40    40        0       0         0         0    0.0%      0.0%
cmd     2       200     0        0     200         0         0  100.0%      0.0%
cmd     x      1000     0        0       0         0      1000       -         -
cmd     all    1240    40        0     200         0      1000   83.3%      0.0%
rc      2         3     0        0       3         0         0  100.0%      0.0%
rc      all       3     0        0       3         0         0  100.0%      0.0%
all     1       200    50       50       0       100         0   50.0%     25.0%
all     2       203     0        0     203         0         0  100.0%      0.0%
all     x      1000     0        0       0         0      1000       -         -
all     all    1403    50       50     203       100      1000   75.2%     12.4%
";

#[test]
fn text_report() {
    let f = fixture();
    let (code, out, err) = f.run(&["report"]);
    assert_eq!(code, 0, "{}", err);
    assert_eq!(err, "");
    let want = format!(
        "{}\n{}\ndone = (ported + verified) / non-excluded; partial% = partial / non-excluded\n",
        FILES, LINES
    );
    assert_eq!(out, want);
}

#[test]
fn markdown_report() {
    let f = fixture();
    let (code, out, _) = f.run(&["report", "--markdown"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "**Files by status**");
    assert_eq!(
        lines[2],
        "| area | tier | total | todo | partial | ported | verified | excluded | done | partial% |"
    );
    assert_eq!(
        lines[3],
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    assert_eq!(
        lines[4],
        "| kernel | 1 | 2 | 0 | 1 | 0 | 1 | 0 | 50.0% | 50.0% |"
    );
    assert!(out.contains("\n| all | all | 7 | 2 | 1 | 2 | 1 | 1 | 50.0% | 16.7% |\n"));
    assert!(out.contains("\n**Lines of 9front source by status**\n"));
    assert!(out.contains("\n| all | all | 1403 | 50 | 50 | 203 | 100 | 1000 | 75.2% | 12.4% |\n"));
    assert!(out.contains("\n| cmd | x | 1000 | 0 | 0 | 0 | 0 | 1000 | - | - |\n"));
}

#[test]
fn report_without_manifest_derives_areas() {
    let f = fixture();
    let (_, with, _) = f.run(&["report"]);
    std::fs::remove_dir_all(f.dir.join("shared")).unwrap();
    let (code, without, err) = f.run(&["report"]);
    assert_eq!(code, 0);
    assert!(err.contains("areas derived from the paths"), "{}", err);
    assert_eq!(with, without);
}

#[test]
fn report_refuses_a_broken_file() {
    let f = fixture();
    f.edit_entry("sys/src/cmd/cat.c", |e| e.status = "bogus".into());
    let (code, out, err) = f.run(&["report"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(err.contains("status \"bogus\" is not one of"), "{}", err);
    assert!(err.contains("(run portstat check)"), "{}", err);
}

#[test]
fn unknown_area_and_percentages() {
    let e = vec![
        portstat::status::Entry::new("elsewhere/x.c", "1", 7, ""),
        portstat::status::Entry::new("sys/src/9/a.c", "x", 3, "n"),
    ];
    let r = report::build(&e, None);
    let rows: Vec<(String, String, u64)> = r
        .lines
        .iter()
        .map(|l| (l.area.clone(), l.tier.clone(), l.cell.total_lines()))
        .collect();
    let s = |a: &str, t: &str, n| (a.to_string(), t.to_string(), n);
    assert_eq!(
        rows,
        vec![
            s("kernel", "x", 3),
            s("kernel", "all", 3),
            s("other", "1", 7),
            s("other", "all", 7),
            s("all", "1", 7),
            s("all", "x", 3),
            s("all", "all", 10),
        ]
    );
    assert_eq!(report::pct(1, 3), "33.3%");
    assert_eq!(report::pct(2, 3), "66.7%");
    assert_eq!(report::pct(0, 0), "-");
    assert_eq!(report::done_pct(&[1, 1, 1, 1, 9]), "50.0%");
    assert_eq!(report::partial_pct(&[1, 1, 1, 1, 9]), "25.0%");
}
