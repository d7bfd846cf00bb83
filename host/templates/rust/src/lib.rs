//! @NAME@: cost-ops benchmark targets in Rust (made by `cost-ops new-plugin`).
//!
//!   @NAME@_sum_<n>   a family: sum n integers (n = 1,000, 10,000, 100,000)
//!   @NAME@_checksum  a plain target: FNV-1a over 4 KiB
//!
//! setup() is untimed, run() is timed by the host, teardown() checks the
//! answer. Replace the work with yours; keep the checks.
use costops_bench::{clobber_memory, do_not_optimize, Benchmark, Error, Host};

struct Sum {
    values: Vec<u64>,
    total: u64,
}

impl Benchmark for Sum {
    fn setup(host: Host, n: i64) -> Result<Self, Error> {
        host.set_items_per_operation(n as u64);
        Ok(Sum { values: (1..=n as u64).collect(), total: 0 })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        for _ in 0..iterations {
            clobber_memory(); // the values "may have changed": no hoisting
            self.total = self.values.iter().sum();
            do_not_optimize(&self.total); // the total "is used": no deleting
        }
        Ok(())
    }

    fn teardown(self) -> Result<(), Error> {
        let n = self.values.len() as u64;
        if self.total != n * (n + 1) / 2 {
            return Err(Error::verification("the sum is not n(n+1)/2"));
        }
        Ok(())
    }
}

struct Checksum {
    bytes: Vec<u8>,
    hash: u64,
}

impl Benchmark for Checksum {
    fn setup(host: Host, _argument: i64) -> Result<Self, Error> {
        host.set_bytes_per_operation(4096);
        Ok(Checksum { bytes: (1..=4096u32).map(|i| i as u8).collect(), hash: 0 })
    }

    fn run(&mut self, iterations: u64) -> Result<(), Error> {
        for _ in 0..iterations {
            clobber_memory();
            self.hash = self.bytes.iter().fold(1_469_598_103_934_665_603u64, |h, &b| {
                (h ^ u64::from(b)).wrapping_mul(1_099_511_628_211)
            });
            do_not_optimize(&self.hash);
        }
        Ok(())
    }

    fn teardown(self) -> Result<(), Error> {
        if self.hash != 0xb7e9_162a_108d_5383 {
            return Err(Error::verification("wrong FNV-1a of bytes 1..4096"));
        }
        Ok(())
    }
}

costops_bench::plugin! {
    name: "@NAME@",
    version: env!("CARGO_PKG_VERSION"),
    targets: [
        costops_bench::family!(Sum, "@NAME@_sum", "sum n integers", [1000, 10000, 100000], "n"),
        costops_bench::target!(Checksum, "@NAME@_checksum", "FNV-1a over 4 KiB"),
    ],
}
