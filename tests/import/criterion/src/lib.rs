//! Nothing: the benchmark is all there is (benches/tiny.rs).
