"""Benchmarks of bilat at scale: a synthetic corpus (bench.corpus) and the measurements (bench.run)."""
