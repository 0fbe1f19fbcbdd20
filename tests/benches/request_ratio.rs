//! Building one validated request against building it by hand, measured side by side.
//!
//! Criterion times each function in a stretch of its own, and on a shared machine one
//! stretch can run a fifth slower than the next: more than the difference under test. This
//! benchmark alternates short batches of the two (ours, then `format!` and
//! `http::Request::builder`), so that a slow spell falls on both, and prints the ratio of each
//! pair of batches: its median is the figure, the middle half of them shows how far to trust
//! it. Ours is measured twice: with the base URL parsed once, as the client does, and from
//! the base URL's text.
//!
//! Run with `cargo bench -p integration-tests --bench request_ratio`.

#![allow(deprecated)] // The legacy operation is deprecated by Atlas; it is the richest model.

#[path = "client/request_pair.rs"]
mod request_pair;

use atlas_snapshots::runtime::BaseUrl;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Requests per batch: long enough for the clock (about a millisecond), short enough that
/// the two batches of a pair see the same machine.
const BATCH: u32 = 2_000;
const PAIRS: usize = 1_000;

fn main() {
    // `cargo test --benches` runs bench targets with `--bench` absent: check, don't measure.
    if !std::env::args().any(|arg| arg == "--bench") {
        let base_url: BaseUrl = request_pair::BASE_URL.parse().unwrap();
        let ours = request_pair::typed().build_request_at(&base_url).unwrap();
        let by_hand = request_pair::by_hand();
        assert_eq!(ours.uri(), by_hand.uri());
        assert_eq!(ours.headers(), by_hand.headers());
        return;
    }
    let base_url: BaseUrl = request_pair::BASE_URL.parse().unwrap();
    let parsed_once = || {
        black_box(
            request_pair::typed()
                .build_request_at(black_box(&base_url))
                .unwrap(),
        );
    };
    let from_text = || {
        black_box(
            request_pair::typed()
                .build_request(black_box(request_pair::BASE_URL))
                .unwrap(),
        );
    };
    let by_hand = || {
        black_box(request_pair::by_hand());
    };
    let ours: [(&str, &dyn Fn()); 2] = [
        (
            "base URL parsed once, as the client (build_request_at)",
            &parsed_once,
        ),
        ("base URL as text (build_request)", &from_text),
    ];
    println!("build a request, {PAIRS} pairs of {BATCH}-request batches, alternating:");
    for (name, build) in ours {
        let [ours_ns, by_hand_ns, ratio] = measure_pairs(build, &by_hand);
        println!(
            "  validated ListLegacySnapshotsRequest, {name}: median {:.0} ns\n\
             \x20   against format! and http::Request::builder: median {:.0} ns\n\
             \x20   ours / baseline, pair by pair: median {:.3}x (middle half {:.3}x to {:.3}x)",
            ours_ns[1], by_hand_ns[1], ratio[1], ratio[0], ratio[2]
        );
    }
}

/// Quartiles of ours and of the baseline per request (ns), and of their ratio pair by pair.
fn measure_pairs(ours: &dyn Fn(), by_hand: &dyn Fn()) -> [[f64; 3]; 3] {
    // Warm the caches, the allocator and the CPU's clock before anything counts.
    for _ in 0..50 {
        time_batch(ours);
        time_batch(by_hand);
    }
    let mut ours_ns = Vec::with_capacity(PAIRS);
    let mut by_hand_ns = Vec::with_capacity(PAIRS);
    let mut ratios = Vec::with_capacity(PAIRS);
    for pair in 0..PAIRS {
        // Which one goes first alternates too, so that neither always follows the other.
        let (a, b) = if pair % 2 == 0 {
            (time_batch(ours), time_batch(by_hand))
        } else {
            let b = time_batch(by_hand);
            (time_batch(ours), b)
        };
        ours_ns.push(per_request(a));
        by_hand_ns.push(per_request(b));
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
    }
    [&mut ours_ns, &mut by_hand_ns, &mut ratios].map(|values| quartiles(values))
}

fn time_batch(build: &dyn Fn()) -> Duration {
    let start = Instant::now();
    for _ in 0..BATCH {
        build();
    }
    start.elapsed()
}

fn per_request(batch: Duration) -> f64 {
    batch.as_secs_f64() * 1e9 / f64::from(BATCH)
}

/// The first quartile, the median and the third quartile.
fn quartiles(values: &mut [f64]) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |fraction: f64| values[((values.len() - 1) as f64 * fraction).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}
