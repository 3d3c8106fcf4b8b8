//! Back-of-the-envelope figures (capacity-model.md, section 9) from
//! `requirements.workload`, each with the arithmetic that produced it.

use serde::Serialize;

use crate::design::quantity::{format_bytes, format_count, format_rate, trim_number};
use crate::design::{Design, Kind, Traffic, Workload};

const SECONDS_PER_DAY: f64 = 86_400.0;

/// One line of the working: what, how, how much.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub figure: &'static str,
    pub working: String,
    pub result: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Envelope {
    pub avg_rps: f64,
    pub peak_rps: f64,
    pub read_rps: f64,
    pub write_rps: f64,
    pub peak_read_rps: f64,
    pub peak_write_rps: f64,
    pub storage_bytes_per_day: Option<f64>,
    pub storage_bytes_total: Option<f64>,
    pub ingress_bytes_per_s: Option<f64>,
    pub egress_bytes_per_s: Option<f64>,
    pub cache_bytes: Option<f64>,
    #[serde(skip)]
    pub lines: Vec<Line>,
}

/// The largest replication factor of the design's databases (1 without).
fn replication_factor(design: &Design) -> u32 {
    design
        .components
        .iter()
        .filter(|c| c.kind() == Kind::Database)
        .filter_map(|c| c.replication.as_ref().map(|r| r.value.factor))
        .max()
        .unwrap_or(1)
}

pub fn compute(design: &Design, workload: &Workload) -> Envelope {
    let mut lines = Vec::new();
    let mut line = |figure: &'static str, working: String, result: String| {
        lines.push(Line {
            figure,
            working,
            result,
        })
    };
    let (read_rps, write_rps) = match workload.traffic {
        Traffic::PerUser {
            requests_per_user_per_day,
            read_ratio,
        } => {
            let users = workload.daily_active_users.unwrap_or(0.0);
            let average = users * requests_per_user_per_day / SECONDS_PER_DAY;
            line(
                "average requests",
                format!(
                    "{} users x {} requests/day / 86,400 s",
                    format_count(users),
                    trim_number(requests_per_user_per_day)
                ),
                format_rate(average),
            );
            line(
                "reads",
                format!(
                    "{} x {} read ratio",
                    format_rate(average),
                    trim_number(read_ratio)
                ),
                format_rate(average * read_ratio),
            );
            line(
                "writes",
                format!(
                    "{} x {} write ratio",
                    format_rate(average),
                    trim_number(1.0 - read_ratio)
                ),
                format_rate(average * (1.0 - read_ratio)),
            );
            (average * read_ratio, average * (1.0 - read_ratio))
        }
        Traffic::Totals {
            read_rps,
            write_rps,
        } => {
            line(
                "reads",
                format!(
                    "{}/day / 86,400 s",
                    format_count(read_rps * SECONDS_PER_DAY)
                ),
                format_rate(read_rps),
            );
            line(
                "writes",
                format!(
                    "{}/day / 86,400 s",
                    format_count(write_rps * SECONDS_PER_DAY)
                ),
                format_rate(write_rps),
            );
            line(
                "average requests",
                format!("{} + {}", format_rate(read_rps), format_rate(write_rps)),
                format_rate(read_rps + write_rps),
            );
            (read_rps, write_rps)
        }
    };
    let avg_rps = read_rps + write_rps;
    let peak = workload.peak_factor;
    line(
        "peak requests",
        format!(
            "{} x {} peak factor",
            format_rate(avg_rps),
            trim_number(peak)
        ),
        format_rate(avg_rps * peak),
    );
    line(
        "peak reads",
        format!("{} x {}", format_rate(read_rps), trim_number(peak)),
        format_rate(read_rps * peak),
    );
    line(
        "peak writes",
        format!("{} x {}", format_rate(write_rps), trim_number(peak)),
        format_rate(write_rps * peak),
    );

    let writes_per_day = write_rps * SECONDS_PER_DAY;
    let reads_per_day = read_rps * SECONDS_PER_DAY;
    let storage_bytes_per_day = workload.object_size.map(|size| {
        line(
            "storage per day",
            format!(
                "{} writes/day x {}",
                format_count(writes_per_day),
                format_bytes(size)
            ),
            format_bytes(writes_per_day * size),
        );
        writes_per_day * size
    });
    let storage_bytes_total = match (storage_bytes_per_day, workload.retention) {
        (Some(per_day), Some(retention)) => {
            let days = retention / SECONDS_PER_DAY;
            let factor = replication_factor(design);
            let total = per_day * days * f64::from(factor);
            line(
                "storage in all",
                format!(
                    "{} x {} days retention x {factor} copies",
                    format_bytes(per_day),
                    trim_number(days)
                ),
                format_bytes(total),
            );
            Some(total)
        }
        _ => None,
    };
    let ingress_bytes_per_s = workload.request_size.or(workload.object_size).map(|size| {
        line(
            "bandwidth in",
            format!("{} writes x {}", format_rate(write_rps), format_bytes(size)),
            format!("{}/s", format_bytes(write_rps * size)),
        );
        write_rps * size
    });
    let egress_bytes_per_s = workload.response_size.or(workload.object_size).map(|size| {
        line(
            "bandwidth out",
            format!("{} reads x {}", format_rate(read_rps), format_bytes(size)),
            format!("{}/s", format_bytes(read_rps * size)),
        );
        read_rps * size
    });
    let cache_bytes = workload.object_size.map(|size| {
        let bytes = workload.cache_share * reads_per_day * size;
        line(
            "cache memory",
            format!(
                "{} x {} reads/day x {}",
                trim_number(workload.cache_share),
                format_count(reads_per_day),
                format_bytes(size)
            ),
            format_bytes(bytes),
        );
        bytes
    });
    Envelope {
        avg_rps,
        peak_rps: avg_rps * peak,
        read_rps,
        write_rps,
        peak_read_rps: read_rps * peak,
        peak_write_rps: write_rps * peak,
        storage_bytes_per_day,
        storage_bytes_total,
        ingress_bytes_per_s,
        egress_bytes_per_s,
        cache_bytes,
        lines,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(workload: &str) -> Envelope {
        let yaml = format!(
            "version: 1\nname: t\nrequirements:\n  workload: {workload}\ncomponents:\n  api: {{ kind: service }}\n"
        );
        let design = crate::design::load(yaml.as_bytes()).unwrap();
        let workload = design.requirements.workload.as_ref().unwrap().value.clone();
        compute(&design, &workload)
    }

    fn close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance * expected,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    /// "Designing a URL shortening service like TinyURL" (Grokking the
    /// System Design Interview, Educative): 500M new URLs a month, 100:1
    /// reads to writes, 500-byte records kept 5 years. Their figures:
    /// ~200 URLs/s written, ~20K/s read, 15 TB of storage (30B records x
    /// 500 B), ~100 KB/s in, ~10 MB/s out, ~170 GB of cache for 20% of a
    /// day's reads. (They round a month to 30 days, as we do, and 5 years to
    /// 60 months, where we take 1,825 days: 1.4% more storage.)
    #[test]
    fn grokking_url_shortener() {
        let figures = envelope(
            "{ writes: 500M/month, reads_per_write: 100, object_size: 500B, retention: 5y, cache_share: 0.2 }",
        );
        close(figures.write_rps, 192.9, 0.001);
        close(figures.read_rps, 19_290.0, 0.001);
        close(figures.storage_bytes_total.unwrap(), 15e12, 0.02);
        close(figures.ingress_bytes_per_s.unwrap(), 96_450.0, 0.001);
        close(figures.egress_bytes_per_s.unwrap(), 9.645e6, 0.001);
        close(figures.cache_bytes.unwrap(), 1.667e11, 0.001);
        // No peak factor given: the default doubles the average.
        close(figures.peak_rps, 2.0 * (192.9 + 19_290.0), 0.001);
    }

    /// The per-user form: 300M daily users posting 2 tweets and reading 100
    /// a day (the Twitter estimate of the System Design Primer's "Design the
    /// Twitter timeline" exercise rounds 300M x 102 / 86,400 to about 350K
    /// requests/s; writes 300M x 2 / 86,400 ~ 6,944/s).
    #[test]
    fn per_user_traffic() {
        let figures = envelope(
            "{ daily_active_users: 300M, requests_per_user_per_day: 102, reads_per_write: 50, peak_factor: 1 }",
        );
        close(figures.avg_rps, 354_166.7, 0.001);
        close(figures.write_rps, 6_944.4, 0.001);
        close(figures.peak_rps, figures.avg_rps, 1e-12);
        assert!(figures.storage_bytes_per_day.is_none());
        assert_eq!(figures.lines[0].result, "354k/s");
    }
}
