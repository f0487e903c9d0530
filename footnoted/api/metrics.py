"""Prometheus metrics, one registry per app so that several apps can live in one process."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    encode: Histogram
    documents: Gauge
    chunks: Gauge
    vectors: Gauge


def make_metrics() -> Metrics:
    registry = CollectorRegistry()
    return Metrics(
        registry=registry,
        requests=Counter(
            "footnoted_requests",
            "HTTP requests by route, method and status",
            ["route", "method", "status"],
            registry=registry,
        ),
        latency=Histogram(
            "footnoted_request_seconds",
            "HTTP request latency by route",
            ["route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=registry,
        ),
        encode=Histogram(
            "footnoted_encode_seconds",
            "Time spent encoding questions (one observation per model call)",
            buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1),
            registry=registry,
        ),
        documents=Gauge("footnoted_index_documents", "Documents in the index", registry=registry),
        chunks=Gauge("footnoted_index_chunks", "Chunks (passages) in the index", registry=registry),
        vectors=Gauge("footnoted_index_vectors", "Vectors in the index", registry=registry),
    )
