"""Development-only tools (not installed): the docs generator, the classifier's training and
synthetic data for tests and benchmarks. Run from a checkout: ``python -m devtools.docs_gen``."""
