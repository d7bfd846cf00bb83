//! COSTOPS_TINY_SLOWDOWN=3 makes every benchmark do three times the work.
//! Short warm-up and measurement (Criterion 0.3's command line takes whole
//! seconds only): the tests run it many times, and samples well under a
//! millisecond are rarely preempted on a machine shared with other builds,
//! so each run's median stays meaningful there.
use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

fn slowdown() -> u64 {
    std::env::var("COSTOPS_TINY_SLOWDOWN").ok().and_then(|v| v.parse().ok()).unwrap_or(1)
}

fn sum(n: u64) -> u64 {
    (0..n).fold(0, |a, b| black_box(a + b))
}

fn benches(c: &mut Criterion) {
    let factor = slowdown();
    let mut group = c.benchmark_group("sums");
    for n in [256u64, 2048].iter() {
        group.throughput(Throughput::Elements(*n));
        group.bench_with_input(BenchmarkId::new("fold", n), n, |b, &n| b.iter(|| sum(n * factor)));
    }
    group.finish();
}

criterion_group! {
    name = tiny;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(50))
        .measurement_time(Duration::from_millis(30))
        .sample_size(20);
    targets = benches
}
criterion_main!(tiny);
