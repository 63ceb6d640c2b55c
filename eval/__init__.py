"""Evaluation runners: the seed question set and BEIR-format benchmarks."""
