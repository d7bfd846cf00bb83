//! An example third-party cost-ops plugin in Rust, on the SDK's
//! `costops-bench` crate (safe trait, panics caught at the boundary).
//!
//!   example_rust_price_records        price 1,000 usage records per operation
//!                                     in integer picodollars: the same work as
//!                                     the C example, so languages compare
//!   example_rust_total_tokens_<n>     a family: total the tokens of n records
use costops_bench::{clobber_memory, do_not_optimize, Benchmark, Error, Host};

/// USD per million tokens as micro-USD = picodollars per token (gpt-4o).
const INPUT_RATE: u64 = 2_500_000;
const CACHED_RATE: u64 = 1_250_000;
const OUTPUT_RATE: u64 = 10_000_000;
const RECORD_COUNT: usize = 1000;

#[derive(Clone, Copy)]
struct Usage {
    prompt_tokens: u32, // includes cached_tokens
    cached_tokens: u32,
    completion_tokens: u32,
}

fn price_picodollars(r: &Usage) -> u64 {
    u64::from(r.prompt_tokens - r.cached_tokens) * INPUT_RATE
        + u64::from(r.cached_tokens) * CACHED_RATE
        + u64::from(r.completion_tokens) * OUTPUT_RATE
}

/// The same deterministic records as the C example.
fn make_records(count: usize) -> Vec<Usage> {
    let mut seed: u32 = 12345;
    (0..count)
        .map(|_| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let prompt = 100 + (seed >> 16) % 20000;
            Usage {
                prompt_tokens: prompt,
                cached_tokens: prompt / (2 + (seed >> 8) % 4),
                completion_tokens: 10 + (seed >> 4) % 4000,
            }
        })
        .collect()
}

struct PriceRecords {
    records: Vec<Usage>,
    expected_total: u64,
    last_total: u64,
}

impl Benchmark for PriceRecords {
    fn setup(host: Host, _argument: i64) -> Result<Self, Error> {
        // A known answer first: 8,000 uncached + 2,000 cached prompt tokens
        // and 5,000 completion tokens cost exactly $0.0725.
        let known = Usage {
            prompt_tokens: 10_000,
            cached_tokens: 2_000,
            completion_tokens: 5_000,
        };
        if price_picodollars(&known) != 72_500_000_000 {
            return Err(Error::verification(
                "pricing formula is wrong: expected $0.0725",
            ));
        }
        let records = make_records(RECORD_COUNT);
        let expected_total = records.iter().map(price_picodollars).sum();
        host.set_items_per_operation(RECORD_COUNT as u64);
        host.report_number("records_per_operation", RECORD_COUNT as f64);
        host.report_string("language", "rust");
        Ok(PriceRecords {
            records,
            expected_total,
            last_total: 0,
        })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        for _ in 0..iterations {
            clobber_memory(); // the records "may have changed"
            self.last_total = self.records.iter().map(price_picodollars).sum();
            do_not_optimize(&self.last_total); // and the result is used
        }
        Ok(())
    }

    fn teardown(self) -> Result<(), Error> {
        if self.last_total != self.expected_total {
            return Err(Error::verification(
                "run() computed a different total than setup()",
            ));
        }
        Ok(())
    }
}

/// A family: `n` is the argument of the member being set up.
struct TotalTokens {
    records: Vec<Usage>,
    total: u64,
}

impl Benchmark for TotalTokens {
    fn setup(host: Host, n: i64) -> Result<Self, Error> {
        host.set_items_per_operation(n as u64);
        Ok(TotalTokens {
            records: make_records(n as usize),
            total: 0,
        })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        for _ in 0..iterations {
            clobber_memory();
            self.total = self
                .records
                .iter()
                .map(|r| u64::from(r.prompt_tokens + r.completion_tokens))
                .sum();
            do_not_optimize(&self.total);
        }
        Ok(())
    }
}

costops_bench::plugin! {
    name: "example-rust-token-pricing",
    version: env!("CARGO_PKG_VERSION"),
    targets: [
        costops_bench::target!(PriceRecords, "example_rust_price_records",
                               "price 1,000 usage records in integer picodollars (Rust)"),
        costops_bench::family!(TotalTokens, "example_rust_total_tokens",
                               "total the tokens of n usage records (Rust)", [1000, 10000, 100000], "records"),
    ],
}
