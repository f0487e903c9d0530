"""Retrieval evaluation: eval sets with gold spans, span-overlap scoring, metrics, diagnostics and reports."""

from footnoted.eval.dataset import load_set
from footnoted.eval.report import write_report
from footnoted.eval.runner import evaluate

__all__ = ["evaluate", "load_set", "write_report"]
