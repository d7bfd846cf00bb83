//! An example third-party cost-ops plugin in Rust, on the SDK's
//! `costops-bench` crate (safe trait, panics caught at the boundary).
//!
//!   example_rust_price_records        price 1,000 usage records per operation
//!                                     in integer picodollars: the same work as
//!                                     the C example, so languages compare
//!   example_rust_total_tokens_<n>     a family: total the tokens of n records
//!   example_rust_price_shared_t<k>    the 1,000 records priced on k = 1, 2, 4
//!                                     threads at once (ABI 1.4); the tokens
//!                                     priced are a counter reported as a rate
//!   example_rust_sort_costs           sort 1,000 costs; the unsorted copy each
//!                                     iteration needs is made with the host's
//!                                     clock paused (ABI 1.3)
//!   example_rust_append_ledger        append a cost to a file and flush it
//!                                     (does I/O); reset() empties the file
//!                                     between batches (ABI 1.2)
use costops_bench::{abi, clobber_memory, do_not_optimize, Benchmark, Error, Host, SyncHost};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

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

/// Threaded: every thread prices the shared records and counts into its
/// own slot; the host is kept as a `SyncHost`, which `run_thread` (given
/// `&self`) cannot open, so the totals are reported from `teardown`.
struct PriceShared {
    host: SyncHost,
    records: Vec<Usage>,
    expected_total: u64,
    slots: Vec<Slot>,
}

#[derive(Default)]
#[repr(align(64))] // a cache line per thread: no false sharing
struct Slot {
    last_total: AtomicU64,
    tokens: AtomicU64,
}

impl Benchmark for PriceShared {
    fn setup(host: Host, _argument: i64) -> Result<Self, Error> {
        let records = make_records(RECORD_COUNT);
        let expected_total = records.iter().map(price_picodollars).sum();
        host.set_items_per_operation(RECORD_COUNT as u64);
        Ok(PriceShared {
            slots: (0..host.threads()).map(|_| Slot::default()).collect(),
            host: SyncHost::new(host),
            records,
            expected_total,
        })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        self.run_thread(0, iterations) // what an older host calls, on one thread
    }

    fn run_thread(&self, thread_index: u32, iterations: u64) -> Result<(), Error> {
        let mine = &self.slots[thread_index as usize];
        let mut tokens = 0;
        for _ in 0..iterations {
            clobber_memory(); // the records "may have changed"
            let mut total = 0;
            for r in &self.records {
                total += price_picodollars(r);
                tokens += u64::from(r.prompt_tokens + r.completion_tokens);
            }
            do_not_optimize(&total); // and the result is used
            mine.last_total.store(total, Relaxed);
        }
        mine.tokens.fetch_add(tokens, Relaxed);
        Ok(())
    }

    fn teardown(mut self) -> Result<(), Error> {
        let mut tokens = 0;
        for slot in &self.slots {
            let last = slot.last_total.load(Relaxed);
            if last != 0 && last != self.expected_total {
                return Err(Error::verification("a thread computed a different total"));
            }
            tokens += slot.tokens.load(Relaxed);
        }
        self.host
            .get()
            .report_counter("tokens", tokens as f64, abi::COUNTER_RATE);
        Ok(())
    }
}

/// Per-iteration setup that is not the operation: a fresh unsorted copy,
/// made with the host's clock paused (two clock reads, far below the sort).
struct SortCosts {
    host: Host,
    costs: Vec<u64>,
    work: Vec<u64>,
}

impl Benchmark for SortCosts {
    fn setup(host: Host, _argument: i64) -> Result<Self, Error> {
        let costs: Vec<u64> = make_records(RECORD_COUNT).iter().map(price_picodollars).collect();
        host.set_items_per_operation(costs.len() as u64);
        Ok(SortCosts {
            host,
            work: costs.clone(),
            costs,
        })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        for _ in 0..iterations {
            self.host.pause_timing();
            self.work.copy_from_slice(&self.costs);
            self.host.resume_timing();
            self.work.sort_unstable();
            do_not_optimize(&self.work);
        }
        Ok(())
    }

    fn teardown(self) -> Result<(), Error> {
        if self.work.windows(2).all(|pair| pair[0] <= pair[1]) {
            Ok(())
        } else {
            Err(Error::verification("the costs are not sorted"))
        }
    }
}

/// I/O with state that grows: each operation appends a line to a file in the
/// private working directory and flushes it; `reset` starts an empty file
/// after every batch, so every batch appends to the same small file.
struct AppendLedger {
    costs: Vec<u64>,
    ledger: BufWriter<File>,
    next: usize,
}

const LEDGER: &str = "ledger.csv";

fn create_ledger() -> Result<BufWriter<File>, Error> {
    File::create(LEDGER)
        .map(BufWriter::new)
        .map_err(|e| Error::failed(format!("cannot create {}: {}", LEDGER, e)))
}

impl Benchmark for AppendLedger {
    fn setup(_host: Host, _argument: i64) -> Result<Self, Error> {
        Ok(AppendLedger {
            costs: make_records(RECORD_COUNT).iter().map(price_picodollars).collect(),
            ledger: create_ledger()?,
            next: 0,
        })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        for _ in 0..iterations {
            let cost = self.costs[self.next % self.costs.len()];
            self.next += 1;
            writeln!(self.ledger, "{}", cost)
                .and_then(|_| self.ledger.flush())
                .map_err(|e| Error::failed(format!("cannot write {}: {}", LEDGER, e)))?;
        }
        Ok(())
    }

    fn reset(&mut self) -> Result<(), Error> {
        self.ledger = create_ledger()?; // untimed: truncates the file
        Ok(())
    }

    fn teardown(self) -> Result<(), Error> {
        drop(self.ledger);
        std::fs::remove_file(LEDGER).map_err(|e| Error::failed(e.to_string()))
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
        costops_bench::threaded!(PriceShared, "example_rust_price_shared",
                                 "price 1,000 shared records per thread (Rust)", 1, 4),
        costops_bench::target!(SortCosts, "example_rust_sort_costs", "sort 1,000 request costs (Rust)"),
        costops_bench::with_flags(
            costops_bench::target!(AppendLedger, "example_rust_append_ledger",
                                   "append a cost to a file, flushed (Rust)"),
            abi::TARGET_FLAG_DOES_IO,
        ),
    ],
}
